package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.HeapPages;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageLoader;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The destination's page stream, loaded on the connection's event loop, over real loopback TCP. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLoopPageLoaderTest {
    private static final int PAGE = 4096;
    private static final Duration STEP = Duration.ofSeconds(5);

    @Test
    void loadsEachBatchBeforeTheMessageSentAfterItIsReceivedAndStopsWhereItsStreamEnds() throws Exception {
        HeapPages source = HeapPages.random(PAGE, 64, 5, 11);
        HeapPages guest = new HeapPages(PAGE, 64);
        AtomicInteger batchesSeenByTheLoop = new AtomicInteger();
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             Connection sender = transport.connect(new HostPort("127.0.0.1", listener.localAddress().getPort()), STEP);
             Connection receiver = listener.accept(STEP);
             PageLoader pageLoader = new PageLoader()) {
            EventLoopPageLoader stream = new EventLoopPageLoader(pageLoader, guest, m -> m instanceof StopAndCopyDone,
                    batchesSeenByTheLoop::incrementAndGet).attach(receiver);

            sender.sendPages(batch(sender, source, 0, 32)).sync();
            sender.sendPages(batch(sender, source, 32, 32)).sync();
            sender.send(new RoundEnd(0, 64)).sync();
            assertThat(receiver.receive(STEP)).as("batches never reach the receiving thread").isEqualTo(new RoundEnd(0, 64));
            assertThat(stream.pages()).as("both batches loaded before the round's end was received").isEqualTo(64);
            assertThat(stream.bytes()).as("page data: the non-zero pages").isEqualTo(nonZeroPages(source) * PAGE);
            assertThat(guest.sameContents(source)).isTrue();
            assertThat(batchesSeenByTheLoop).hasValue(2);

            sender.send(new StopAndCopyDone(1, 2, false)).sync();
            sender.sendPages(batch(sender, source, 0, 8)).sync();
            assertThat(receiver.receive(STEP)).isEqualTo(new StopAndCopyDone(1, 2, false));
            Message after = receiver.receive(STEP);
            try {
                assertThat(after).as("a batch after the stream's end is another sink's").isInstanceOf(PageBatch.class);
            } finally {
                ReferenceCountUtil.release(after);
            }
            assertThat(stream.pages()).isEqualTo(64);
            stream.detach();
        }
    }

    @Test
    void batchesQueuedBeforeItIsAttachedAreLoadedFirstAndTheOtherMessagesKeepTheirOrder() throws Exception {
        HeapPages source = HeapPages.random(PAGE, 16, 3, 5);
        HeapPages guest = new HeapPages(PAGE, 16);
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             Connection sender = transport.connect(new HostPort("127.0.0.1", listener.localAddress().getPort()), STEP);
             Connection receiver = listener.accept(STEP);
             PageLoader pageLoader = new PageLoader()) {
            sender.send(new RoundEnd(0, 0)).sync();
            sender.sendPages(batch(sender, source, 0, 16)).sync();
            sender.send(new RoundEnd(1, 16)).sync();
            Thread.sleep(100); // all three queued, as post-copy's first pushed batches are when its loader is attached

            EventLoopPageLoader stream = new EventLoopPageLoader(pageLoader, guest, m -> false, () -> { }).attach(receiver);
            assertThat(receiver.receive(STEP)).isEqualTo(new RoundEnd(0, 0));
            assertThat(receiver.receive(STEP)).isEqualTo(new RoundEnd(1, 16));
            assertThat(stream.pages()).isEqualTo(16);
            assertThat(guest.sameContents(source)).isTrue();
            stream.detach();
        }
    }

    private static long nonZeroPages(HeapPages pages) {
        long count = 0;
        for (long page = 0; page < pages.pageCount(); page++) if (!pages.isZeroPage(page)) count++;
        return count;
    }

    private static io.netty.buffer.ByteBuf batch(Connection on, HeapPages pages, int first, int count) {
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE);
        encoder.beginBatch(on.alloc());
        for (int page = first; page < first + count; page++) encoder.addPage(pages, page);
        return encoder.finishBatch();
    }
}
