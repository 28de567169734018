package io.livemig.migrator.faults;

import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationException;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.HeapPages;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.testing.NettyLeakCheck;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad page batches into a real destination over loopback, with every buffer tracked: the incoming
 * migration fails and no buffer is left unreleased ({@link NettyLeakCheck} fails the test otherwise).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(NettyLeakCheck.class)
class DestinationLeakTest {
    private static final int PAGE = 4096;
    private static final long MEMORY = 2L << 20;

    @Test
    void aBatchOfAnotherPageSizeFailsTheMigrationAndLeaksNothing() throws Exception {
        assertThat(receiveAfterABatchOf(2 * PAGE, 3)).isInstanceOf(MigrationException.class)
                .asString().contains("page size 8192 differs from the negotiated 4096");
    }

    @Test
    void aBatchWithAPageIndexPastTheEndFailsTheMigrationAndLeaksNothing() throws Exception {
        assertThat(receiveAfterABatchOf(PAGE, MEMORY / PAGE + 5)).isInstanceOf(MigrationException.class)
                .asString().contains("out of range");
    }

    /** The destination's ending after a handshake, an offer of 4 KiB pages and one batch of {@code pageSize}-byte pages from {@code firstPage} on. */
    private static Object receiveAfterABatchOf(int pageSize, long firstPage) throws Exception {
        DestinationOptions options = new DestinationOptions(64L << 20, Duration.ofSeconds(5), Workloads::parse, Duration.ofSeconds(1));
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
            CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept(Duration.ofSeconds(10))) {
                    return new MigrationDestination(options, new Handshake()).receive(c, "leak");
                } catch (Throwable e) {
                    return e;
                }
            });
            try (Connection source = transport.connect(new HostPort("127.0.0.1", listener.localAddress().getPort()), Duration.ofSeconds(5))) {
                new Handshake().sourceSide(source, Duration.ofSeconds(5));
                source.send(new GuestOffer(MEMORY, PAGE, 1, "idle", OfferMode.PRECOPY));
                assertThat(source.receive(Duration.ofSeconds(5))).isInstanceOf(Accept.class);
                HeapPages pages = HeapPages.random(pageSize, (int) firstPage + 8, 4, 7);
                PageBatchEncoder encoder = new PageBatchEncoder(pageSize);
                encoder.beginBatch(source.alloc());
                for (int i = 0; i < 4; i++) encoder.addPage(pages, firstPage + i);
                io.netty.buffer.ByteBuf frame = encoder.finishBatch();
                source.sendPages(frame).sync();
                Object result = outcome.get(15, TimeUnit.SECONDS);
                if (result instanceof MigrationDestination.Incoming incoming) {
                    incoming.vm().close();
                    throw new AssertionError("a bad batch produced a running guest");
                }
                return result;
            }
        }
    }
}
