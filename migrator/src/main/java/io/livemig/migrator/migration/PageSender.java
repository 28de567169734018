package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.BlockCodec;
import io.livemig.migrator.protocol.DeltaCache;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageFrame;
import io.livemig.migrator.protocol.PageSource;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.TokenBucketRateLimiter;

/**
 * Sends a set of pages in batches, paced by the rate limiter (bytes on the wire). Runs of
 * consecutive pages go to the socket straight from guest memory; scattered pages are copied once
 * into the frame; nothing is allocated per page. With a delta cache or a codec, pages go through
 * them ({@link PageBatchEncoder}); the codec is chosen batch by batch by a {@link BatchCompression}.
 */
final class PageSender implements AutoCloseable {
    /**
     * What one send moved.
     *
     * @param pages            entries sent (whole, delta and zero pages)
     * @param bytes            page data moved: every page that is not all zero, at its full size
     * @param wireBytes        bytes of the page frames on the wire (headers, entries, data as sent)
     * @param rawDataBytes     data blocks before compression (whole pages and deltas)
     * @param wireDataBytes    data blocks as sent
     * @param stoppedAfterPage the last page handled when the send was stopped early (pages of the set
     *                         after it were not sent), or -1 when it sent the whole set
     */
    record Sent(long pages, long bytes, long wireBytes, long normalPages, long zeroPages, long deltaPages,
                long rawDataBytes, long wireDataBytes, long stoppedAfterPage) {
        boolean stoppedEarly() { return stoppedAfterPage >= 0; }
    }

    private final Connection connection;
    private final PageSource source;
    private final TokenBucketRateLimiter limiter;
    private final PageBatchEncoder encoder;
    private final BatchCompression compression;
    private final DeltaCache cache;
    private int share;
    private int shares = 1;

    PageSender(Connection connection, PageSource source, TokenBucketRateLimiter limiter, PageBatchEncoder encoder) {
        this(connection, source, limiter, encoder, new BatchCompression.Fixed(null), null);
    }

    /** @param cache the delta cache this sender owns (closed with it), or null for no deltas */
    PageSender(Connection connection, PageSource source, TokenBucketRateLimiter limiter, PageBatchEncoder encoder,
               BatchCompression compression, DeltaCache cache) {
        this.connection = connection;
        this.source = source;
        this.limiter = limiter;
        this.encoder = encoder;
        this.compression = compression;
        this.cache = cache;
        encoder.deltasFrom(cache);
    }

    /**
     * Takes only share {@code share} of {@code shares} of every page set: the pages of every
     * {@code shares}-th run of 2^{@link #SHARE_SHIFT} pages, so runs stay long enough to lend.
     */
    PageSender sharing(int share, int shares) {
        if (shares < 1 || share < 0 || share >= shares) throw new IllegalArgumentException("share " + share + " of " + shares);
        this.share = share;
        this.shares = shares;
        return this;
    }

    /** Pages per run of a share: one batch of 4 KiB pages. */
    static final int SHARE_SHIFT = 7;

    /** Whether page {@code page} belongs to share {@code share} of {@code shares}. */
    static boolean inShare(long page, int share, int shares) {
        return shares == 1 || (page >>> SHARE_SHIFT) % shares == share;
    }

    /**
     * Sends every page set in {@code pages} (of this sender's share).
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
        return send(pages, skipZeroPages, progress, () -> false);
    }

    /** As {@link #send(DirtyBitmap, boolean, Progress)}, asking {@code stop} after each batch whether to end the send there. */
    Sent send(DirtyBitmap pages, boolean skipZeroPages, Progress progress, java.util.function.BooleanSupplier stop) throws Exception {
        Tally tally = new Tally();
        compression.roundStarted();
        try {
            long handled = 0;
            long batchStart = 0;
            for (long page = pages.nextSetPage(0); page >= 0; page = pages.nextSetPage(page + 1)) {
                if (shares > 1 && (page >>> SHARE_SHIFT) % shares != share) continue;
                handled++;
                if (skipZeroPages && source.isZeroPage(page)) {
                    tally.zero++;
                    continue;
                }
                if (!encoder.isOpen()) {
                    batchStart = System.nanoTime();
                    encoder.compressWith(compression.beforeBatch());
                    encoder.beginBatch(connection.alloc());
                }
                encoder.addPage(source, page);
                tally.pages++;
                if (encoder.isFull()) {
                    flush(tally, batchStart);
                    progress.batchSent(handled, pages.cardinality());
                    if (stop.getAsBoolean()) return tally.sent(page);
                }
            }
            if (encoder.isOpen()) {
                flush(tally, batchStart);
                progress.batchSent(handled, pages.cardinality()); // the last, partial batch counts too
            }
        } finally {
            encoder.discardBatch();
        }
        return tally.sent(-1);
    }

    /** Pages looked up in the delta cache and not found, so far. */
    long deltaCacheMisses() {
        return cache == null ? 0 : cache.misses();
    }

    private void flush(Tally tally, long batchStart) throws Exception {
        BlockCodec codec = encoderCodec();
        PageFrame frame = encoder.finishFrame();
        int size = frame.readableBytes();
        try {
            limiter.acquire(size);
        } catch (Exception e) {
            frame.release();
            throw e;
        }
        connection.sendPages(frame);
        tally.normal += encoder.normalPages();
        tally.zero += encoder.zeroPages();
        tally.delta += encoder.deltaPages();
        tally.bytes += (long) (encoder.normalPages() + encoder.deltaPages()) * encoder.pageSize();
        tally.wireBytes += size;
        tally.rawData += encoder.dataBytes();
        tally.wireData += encoder.dataWireBytes();
        compression.afterBatch(codec, encoder.dataBytes(), encoder.dataWireBytes(), encoder.compressNanos(),
                System.nanoTime() - batchStart);
    }

    private BlockCodec encoderCodec() {
        return encoder.codec();
    }

    @Override
    public void close() {
        encoder.close();
        compression.close();
        if (cache != null) cache.close();
    }

    /** Counts of one send. */
    private static final class Tally {
        long pages;
        long bytes;
        long wireBytes;
        long normal;
        long zero;
        long delta;
        long rawData;
        long wireData;

        Sent sent(long stoppedAfterPage) {
            return new Sent(pages, bytes, wireBytes, normal, zero, delta, rawData, wireData, stoppedAfterPage);
        }
    }
}
