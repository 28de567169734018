package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.PageDigests;
import io.livemig.migrator.protocol.FrameFormat;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page path allocates nothing per page: a page goes from guest memory into a pooled frame and
 * from the frame into guest memory (with its CRC recorded) without a heap allocation. What is
 * allocated is per batch of 127 pages (the pooled frame's bookkeeping, the decoded batch record
 * and its slice): about 500 bytes per batch, 4 bytes per page, measured here.
 */
class PagePathAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void sendingAndLoadingPagesAllocatesPerBatchNotPerPage() {
        try (GuestMemory source = GuestMemory.allocate(32L << 20); GuestMemory target = GuestMemory.allocate(32L << 20)) {
            SplittableRandom random = new SplittableRandom(1);
            for (long a = 0; a < source.sizeBytes(); a += 8) source.writeLong(a, random.nextLong() | 1);
            GuestPages from = new GuestPages(source, null);
            PageDigests digests = new PageDigests(target);
            GuestPages to = new GuestPages(target, digests);
            PageBatchEncoder encoder = new PageBatchEncoder(source.pageSize());

            for (int warm = 0; warm < 5; warm++) transfer(from, to, encoder, source.pageCount()); // let the JIT settle
            long before = THREADS.getCurrentThreadAllocatedBytes();
            long pages = 0;
            for (int pass = 0; pass < 5; pass++) pages += transfer(from, to, encoder, source.pageCount());
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

            assertThat(digests.digest()).isEqualTo(source.digest());
            long batches = pages / ((PageBatchEncoder.DEFAULT_MAX_PAYLOAD_BYTES - 64) / (source.pageSize() + 8));
            assertThat((double) allocated / batches).as("heap bytes allocated per batch of 127 pages sent and loaded")
                    .isLessThan(1024.0);
        }
    }

    private static long transfer(GuestPages from, GuestPages to, PageBatchEncoder encoder, long pageCount) {
        long page = 0;
        while (page < pageCount) {
            encoder.beginBatch(PooledByteBufAllocator.DEFAULT);
            while (page < pageCount && !encoder.isFull()) encoder.addPage(from, page++);
            ByteBuf frame = encoder.finishBatch();
            try {
                // The decoder sees header and payload (the frame decoder checks and strips the CRC trailer).
                ByteBuf checked = frame.slice(frame.readerIndex(), frame.readableBytes() - FrameFormat.TRAILER_BYTES);
                PageBatch batch = (PageBatch) MessageCodec.decode(checked);
                batch.applyTo(to);
            } finally {
                frame.release();
            }
        }
        return pageCount;
    }
}
