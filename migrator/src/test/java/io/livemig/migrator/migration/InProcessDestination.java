package io.livemig.migrator.migration;

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
final class InProcessDestination implements AutoCloseable {
    final Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
    final Listener listener;
    final CompletableFuture<MigrationDestination.Incoming> incoming = new CompletableFuture<>();

    InProcessDestination(DestinationOptions options) throws Exception {
        listener = transport.listen(new HostPort("127.0.0.1", 0));
        Thread thread = new Thread(() -> {
            try (Connection connection = listener.accept(Duration.ofSeconds(30))) {
                incoming.complete(new MigrationDestination(options, new Handshake()).receive(connection, "dest"));
            } catch (Throwable e) {
                incoming.completeExceptionally(e);
            }
        }, "test-destination");
        thread.setDaemon(true);
        thread.start();
    }

    InProcessDestination() throws Exception {
        this(DestinationOptions.defaults(Workloads::parse));
    }

    HostPort address() {
        return new HostPort("127.0.0.1", listener.localAddress().getPort());
    }

    MigrationDestination.Incoming await() throws Exception {
        return incoming.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        incoming.thenAccept(i -> i.vm().close());
        listener.close();
        transport.close();
    }
}
