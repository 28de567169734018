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

/**
 * A destination in this JVM on a loopback port, receiving one migration on its own thread. A link
 * probe that comes first is answered and the next connection is taken as the migration, as
 * {@code livemig dest} does.
 */
public final class Destinations implements AutoCloseable {
    private final Transport transport;
    private final Listener listener;
    private final CompletableFuture<MigrationDestination.Incoming> incoming = new CompletableFuture<>();
    private final java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    private final Thread thread;

    private volatile boolean vmTaken;
    private volatile Thread acceptor;
    private volatile boolean closed;
    /** A link probe was answered on the first connection: the next one is the migration. */
    private final java.util.concurrent.atomic.AtomicBoolean migrationPending = new java.util.concurrent.atomic.AtomicBoolean();

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
            try (Connection connection = listener.accept(Duration.ofSeconds(120))) { // a child JVM may start slowly on a busy machine
                connected.countDown();
                startExtraAcceptor(destination);
                receive(destination, connection);
            } catch (Throwable e) {
                incoming.completeExceptionally(e);
            }
        }, "test-destination");
        thread.setDaemon(true);
        thread.start();
    }

    private void receive(MigrationDestination destination, Connection connection) {
        try {
            incoming.complete(destination.receive(connection, "dest"));
        } catch (MigrationDestination.ProbeAnswered probe) {
            migrationPending.set(true);
        } catch (Throwable e) {
            incoming.completeExceptionally(e);
        }
    }

    /** Connections after the first (data channels, post-copy's request connection, a source back after a broken link, busy refusals), as `livemig dest` handles them. */
    private void startExtraAcceptor(MigrationDestination destination) {
        acceptor = new Thread(() -> {
            while (true) {
                Connection extra;
                try {
                    extra = listener.accept(Duration.ofHours(1));
                } catch (Exception e) {
                    return; // listener closed
                }
                if (migrationPending.compareAndSet(true, false)) {
                    // On a thread of its own: the migration's own extra connections (post-copy's
                    // request connection, data channels) arrive here while it runs.
                    Thread migration = new Thread(() -> {
                        try (extra) {
                            receive(destination, extra);
                        }
                    }, "test-destination-after-probe");
                    migration.setDaemon(true);
                    migration.start();
                    continue;
                }
                Thread answer = new Thread(() -> {
                    boolean handedOver = false;
                    try {
                        handedOver = destination.answerWhileBusy(extra, "busy: test destination");
                    } catch (Exception ignored) {
                        // refused or answered
                    } finally {
                        if (!handedOver) extra.close();
                    }
                }, "test-destination-extra");
                answer.setDaemon(true);
                answer.start();
            }
        }, "test-destination-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        if (closed) acceptor.interrupt();
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", listener.localAddress().getPort());
    }

    /** Waits until a source has connected (60 s at most). */
    public void awaitConnection() throws InterruptedException {
        if (!connected.await(60, TimeUnit.SECONDS)) throw new AssertionError("no source connected within 60 s");
    }

    /** The arrived guest, or the destination's failure (as the cause of an ExecutionException). */
    public MigrationDestination.Incoming await() throws Exception {
        return incoming.get(150, TimeUnit.SECONDS);
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
        closed = true;
        Thread extra = acceptor;
        if (extra != null) extra.interrupt(); // it waits in accept, which a closed listener does not end
        listener.close();
        transport.close();
        thread.join(10_000);
        if (extra != null) extra.join(10_000);
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
