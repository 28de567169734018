package io.livemig.migrator.postcopy;

import io.livemig.migrator.migration.BatchCompression;
import io.livemig.migrator.protocol.BlockCodec;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageSource;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.netty.buffer.ByteBuf;

import java.util.function.BooleanSupplier;

/**
 * The background push of post-copy on the main connection: every page still to send, each claimed
 * from {@link PagesToSend} before it is copied (so never one an answer already sent), in batches
 * paced by the shared limiter, each batch compressed as {@code --compress} says (a fault's answer
 * never is: one page, and its latency counts). It goes on from the page after the last request when
 * there was one ({@link PushHint}), else in address order, wrapping around.
 */
public final class PagePusher {
    private final Connection main;
    private final PageSource memory;
    private final PagesToSend toSend;
    private final TokenBucketRateLimiter limiter;
    private final PushHint hint;
    private final PageBatchEncoder encoder;
    private final BatchCompression compression;
    private long pushedPages;
    private long pushedBytes;
    private long rawDataBytes;
    private long wireDataBytes;
    private long batchStartNanos;

    public PagePusher(Connection main, PageSource memory, PagesToSend toSend, TokenBucketRateLimiter limiter, PushHint hint,
                      PageBatchEncoder encoder, BatchCompression compression) {
        this.main = main;
        this.memory = memory;
        this.toSend = toSend;
        this.limiter = limiter;
        this.hint = hint;
        this.encoder = encoder;
        this.compression = compression;
    }

    /**
     * Pushes until nothing is left to send or {@code stop} says so (checked between batches).
     *
     * @return true when every page has been sent (by this push or by answers)
     */
    public boolean pushAll(BooleanSupplier stop) throws Exception {
        long cursor = 0;
        compression.roundStarted();
        try {
            while (!stop.getAsBoolean()) {
                long hinted = hint.take();
                if (hinted >= 0) cursor = hinted;
                long page = toSend.nextToSend(cursor);
                if (page < 0) {
                    if (encoder.isOpen()) flush();
                    return true;
                }
                cursor = page + 1;
                if (!toSend.claim(page)) continue; // an answer took it just now
                if (!encoder.isOpen()) {
                    batchStartNanos = System.nanoTime();
                    encoder.compressWith(compression.beforeBatch());
                    encoder.beginBatch(main.alloc());
                }
                encoder.addPage(memory, page);
                if (encoder.isFull()) flush();
            }
            return false;
        } finally {
            encoder.discardBatch(); // pages of an unsent batch stay lacking: a resume sends them again
        }
    }

    private void flush() throws Exception {
        BlockCodec codec = encoder.codec();
        ByteBuf frame = encoder.finishBatch();
        int pages = encoder.normalPages() + encoder.zeroPages();
        int size = frame.readableBytes();
        try {
            limiter.acquire(size);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        main.sendPages(frame);
        pushedPages += pages;
        pushedBytes += size;
        rawDataBytes += encoder.dataBytes();
        wireDataBytes += encoder.dataWireBytes();
        compression.afterBatch(codec, encoder.dataBytes(), encoder.dataWireBytes(), encoder.compressNanos(),
                System.nanoTime() - batchStartNanos);
    }

    /** Pages pushed so far (in this pusher's life). */
    public long pushedPages() { return pushedPages; }

    /** Bytes of push frames on the wire. */
    public long pushedBytes() { return pushedBytes; }

    /** The pushed frames' data blocks (whole pages) before compression. */
    public long rawDataBytes() { return rawDataBytes; }

    /** The same data blocks as sent: fewer bytes when a codec took them. */
    public long wireDataBytes() { return wireDataBytes; }
}
