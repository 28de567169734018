package io.livemig.migrator.security;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A destination in this JVM on a loopback port, receiving one migration on its own thread. */
public final class Destinations implements AutoCloseable {
    private final Transport transport;
    private final Listener listener;
    private final CompletableFuture<MigrationDestination.Incoming> incoming = new CompletableFuture<>();
    private final Thread thread;

    private volatile boolean vmTaken;
    private volatile Thread busyAcceptor;

    /** No authentication, default destination options. */
    public Destinations() throws Exception {
        this(new Handshake(), DestinationOptions.defaults(Workloads::parse));
    }

    public Destinations(DestinationOptions options) throws Exception {
        this(new Handshake(), options);
    }

    public Destinations(Handshake handshake) throws Exception {
        this(handshake, new DestinationOptions(1L << 30, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1)));
    }

    public Destinations(Handshake handshake, DestinationOptions options) throws Exception {
        this(handshake, options, ConnectionOptions.DEFAULTS);
    }

    /** With these connection options, e.g. TLS. */
    public Destinations(Handshake handshake, ConnectionOptions connectionOptions) throws Exception {
        this(handshake, new DestinationOptions(1L << 30, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1)),
                connectionOptions);
    }

    public Destinations(Handshake handshake, DestinationOptions options, ConnectionOptions connectionOptions) throws Exception {
        transport = Transport.create(connectionOptions, 3);
        listener = transport.listen(new HostPort("127.0.0.1", 0));
        MigrationDestination destination = new MigrationDestination(options, handshake);
        thread = new Thread(() -> {
            try (Connection connection = listener.accept(Duration.ofSeconds(30))) {
                Thread more = new Thread(() -> answerWhileBusy(destination), "test-destination-busy");
                more.setDaemon(true);
                busyAcceptor = more;
                more.start();
                incoming.complete(destination.receive(connection, "dest"));
            } catch (Throwable e) {
                incoming.completeExceptionally(e);
            }
        }, "test-destination");
        thread.setDaemon(true);
        thread.start();
    }

    /** Later connections while the first is served: data channels attach, others are refused as busy. */
    private void answerWhileBusy(MigrationDestination destination) {
        while (true) {
            Connection connection;
            try {
                connection = listener.accept(Duration.ofSeconds(60));
            } catch (Exception e) {
                return;  // closed
            }
            Thread serve = new Thread(() -> {
                try (connection) {
                    destination.answerWhileBusy(connection, "busy");
                } catch (Exception e) {
                    // refused, or a channel that ended
                }
            }, "test-destination-channel");
            serve.setDaemon(true);
            serve.start();
        }
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", listener.localAddress().getPort());
    }

    /** The arrived guest, or the destination's failure (as the cause of an ExecutionException). */
    public MigrationDestination.Incoming await() throws Exception {
        return incoming.get(60, TimeUnit.SECONDS);
    }

    /** The arrived guest, now the caller's to close (e.g. to migrate it onward). */
    public VirtualMachine takeVm() throws Exception {
        VirtualMachine vm = await().vm();
        vmTaken = true;
        return vm;
    }

    @Override
    public void close() throws InterruptedException {
        incoming.thenAccept(i -> {
            if (!vmTaken) i.vm().close();
        });
        listener.close();
        Thread more = busyAcceptor;
        if (more != null) {
            more.interrupt();  // its accept waits on a queue that closing the listener does not wake
            more.join(10_000);
        }
        transport.close();
        thread.join(10_000);
    }

    /** Waits until the guest has done {@code ops} operations (20 s at most). */
    public static void awaitOps(VirtualMachine vm, long ops) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (vm.totalOps() < ops) {
            if (System.nanoTime() > deadline) throw new AssertionError("guest stalled at " + vm.totalOps() + " ops");
            Thread.sleep(2);
        }
    }
}
