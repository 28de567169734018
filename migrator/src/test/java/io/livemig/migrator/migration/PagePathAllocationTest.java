package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.PageDigests;
import io.livemig.migrator.protocol.FrameFormat;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageFrame;
import io.livemig.migrator.protocol.PageLoader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page path allocates nothing per page: a run of pages goes from guest memory to the wire as a
 * slice of guest memory, scattered pages are copied into a pooled buffer, and on the other side a
 * page goes from the frame into guest memory (with its CRC recorded), all without a heap allocation
 * per page. What is allocated is per batch of up to 128 pages (the pooled buffers' bookkeeping, a
 * slice of guest memory per lent run, the decoded batch record and its slice). The wire is played
 * by a reused buffer the frame's parts are written into, as the socket would take them.
 */
class PagePathAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void sendingAndLoadingPagesAllocatesPerBatchNotPerPage() {
        // What the page path allocates, not what a sampling leak detector records about a buffer it happened to pick.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            measure();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void measure() {
        try (GuestMemory source = GuestMemory.allocate(32L << 20); GuestMemory target = GuestMemory.allocate(32L << 20)) {
            SplittableRandom random = new SplittableRandom(1);
            for (long a = 0; a < source.sizeBytes(); a += 8) source.writeLong(a, random.nextLong() | 1);
            GuestPages from = new GuestPages(source, null);
            PageDigests digests = new PageDigests(target);
            GuestPages to = new GuestPages(target, digests);
            PageBatchEncoder encoder = new PageBatchEncoder(source.pageSize());
            PageLoader loader = new PageLoader();
            ByteBuf wire = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 20);

            // Runs of pages (lent), then every other page (copied); each frame as one socket read, then in two.
            for (boolean inTwoReads : new boolean[] {false, true}) {
                for (int stride : new int[] {1, 2}) {
                    for (int warm = 0; warm < 5; warm++) transfer(from, to, encoder, loader, wire, stride, inTwoReads); // let the JIT settle
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    long batches = 0;
                    for (int pass = 0; pass < 5; pass++) batches += transfer(from, to, encoder, loader, wire, stride, inTwoReads);
                    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

                    assertThat(digests.digest()).isEqualTo(source.digest());
                    assertThat((double) allocated / batches)
                            .as("heap bytes allocated per batch of 128 pages sent and loaded, every %d. page, in two reads: %s",
                                    stride, inTwoReads)
                            .isLessThan(1024.0);
                }
            }
            wire.release();
        }
    }

    /**
     * Sends every {@code stride}-th page through the encoder, the "wire" and the loader; returns the batches.
     * {@code inTwoReads}: the frame reaches the loader as the decoder passes on a frame that spanned two
     * socket reads, a composite of two slices cut within a page.
     */
    private static long transfer(GuestPages from, GuestPages to, PageBatchEncoder encoder, PageLoader loader, ByteBuf wire,
                                 int stride, boolean inTwoReads) {
        long batches = 0;
        long page = 0;
        long pageCount = from.pageCount();
        while (page < pageCount) {
            encoder.beginBatch(PooledByteBufAllocator.DEFAULT);
            for (; page < pageCount && !encoder.isFull(); page += stride) encoder.addPage(from, page);
            PageFrame frame = encoder.finishFrame();
            wire.clear();
            for (int i = 0; i < frame.partCount(); i++) {
                wire.writeBytes(frame.part(i));
                frame.part(i).release();
            }
            frame.clear();
            // The decoder sees header and payload (the frame decoder checks and strips the CRC trailer).
            ByteBuf received = wire.slice(0, wire.readableBytes() - FrameFormat.TRAILER_BYTES);
            if (inTwoReads) {
                int cut = received.readableBytes() / 2 + 1000;
                received = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(16)
                        .addComponent(true, wire.retainedSlice(0, cut))
                        .addComponent(true, wire.retainedSlice(cut, received.readableBytes() - cut));
            }
            PageBatch batch = (PageBatch) MessageCodec.decode(received);
            if (inTwoReads) received.release(); // the batch keeps what it needs
            loader.load(batch, to);
            batches++;
        }
        return batches;
    }
}
