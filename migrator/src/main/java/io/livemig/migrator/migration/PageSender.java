package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageFrame;
import io.livemig.migrator.protocol.PageSource;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.TokenBucketRateLimiter;

/**
 * Sends a set of pages in batches, paced by the rate limiter (bytes on the wire). Runs of
 * consecutive pages go to the socket straight from guest memory; scattered pages are copied once
 * into the frame; nothing is allocated per page.
 */
final class PageSender {
    record Sent(long pages, long bytes, long normalPages, long zeroPages) {}

    private final Connection connection;
    private final PageSource source;
    private final TokenBucketRateLimiter limiter;
    private final PageBatchEncoder encoder;

    PageSender(Connection connection, PageSource source, TokenBucketRateLimiter limiter, PageBatchEncoder encoder) {
        this.connection = connection;
        this.source = source;
        this.limiter = limiter;
        this.encoder = encoder;
    }

    /**
     * Sends every page set in {@code pages}.
     *
     * @param skipZeroPages true for round 0: the destination starts zeroed, so all-zero pages need no entry
     */
    Sent send(DirtyBitmap pages, boolean skipZeroPages) throws Exception {
        return send(pages, skipZeroPages, (done, total) -> { });
    }

    /** Progress after each batch: pages handled so far (sent or skipped) of the set's size. */
    interface Progress {
        void batchSent(long pagesHandled, long pagesTotal);
    }

    Sent send(DirtyBitmap pages, boolean skipZeroPages, Progress progress) throws Exception {
        long sentPages = 0;
        long bytes = 0;
        long normal = 0;
        long zero = 0;
        try {
            long handled = 0;
            for (long page = pages.nextSetPage(0); page >= 0; page = pages.nextSetPage(page + 1)) {
                handled++;
                if (skipZeroPages && source.isZeroPage(page)) {
                    zero++;
                    continue;
                }
                if (!encoder.isOpen()) encoder.beginBatch(connection.alloc());
                encoder.addPage(source, page);
                sentPages++;
                if (encoder.isFull()) {
                    normal += encoder.normalPages();
                    zero += encoder.zeroPages();
                    bytes += flush();
                    progress.batchSent(handled, pages.cardinality());
                }
            }
            if (encoder.isOpen()) {
                normal += encoder.normalPages();
                zero += encoder.zeroPages();
                bytes += flush();
            }
        } finally {
            encoder.discardBatch();
        }
        return new Sent(sentPages, bytes, normal, zero);
    }

    private int flush() throws Exception {
        PageFrame frame = encoder.finishFrame();
        int size = frame.readableBytes();
        try {
            limiter.acquire(size);
        } catch (Exception e) {
            frame.release();
            throw e;
        }
        connection.sendPages(frame);
        return size;
    }
}
