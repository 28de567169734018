package io.livemig.bench.report;

import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.IoCodeCompilation;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;

/**
 * The far end of the raw-throughput ceiling: listens on 127.0.0.1:0 with the migrator's own
 * {@link Transport} (same pipeline: length-field framing, CRC32C check, message decoding), accepts
 * one connection, drops every PAGE_BATCH after decoding it, and answers each {@link RoundEnd}
 * with a {@link RoundEnd} carrying the pages it has received, so the sender knows when all arrived.
 * With an argument N it accepts N connections and serves each on its own thread (the ceiling of N
 * channels). Exits when the sender closes the connections.
 */
public final class RawSinkMain {
    private RawSinkMain() {}

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        IoCodeCompilation.requestOnce(); // as a destination does on a pre-copy offer
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS, connections);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
            System.out.println("raw sink: listening on 127.0.0.1:" + listener.localAddress().getPort()
                    + (transport.usesEpoll() ? " (epoll)" : " (nio)"));
            System.out.flush();
            Thread[] threads = new Thread[connections];
            for (int i = 0; i < connections; i++) {
                Connection connection = listener.accept(Duration.ofSeconds(120));
                threads[i] = new Thread(() -> serve(connection), "raw-sink-" + i);
                threads[i].start();
            }
            for (Thread t : threads) t.join();
        }
    }

    private static void serve(Connection c) {
        try (Connection connection = c) {
            connection.admitted(); // a measuring sink: no handshake to wait for
            long pages = 0;
            while (true) {
                Message message;
                try {
                    message = connection.receive(Duration.ofSeconds(120));
                } catch (Exception closed) {
                    break;
                }
                try {
                    if (message instanceof PageBatch batch) {
                        pages += batch.pageCount();
                    } else if (message instanceof RoundEnd end) {
                        connection.send(new RoundEnd(end.round(), pages));
                    }
                } finally {
                    ReferenceCountUtil.release(message);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
