package io.livemig.migrator.postcopy;

import io.livemig.emulator.MissingPages;
import io.livemig.migrator.protocol.PageSink;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Guest memory as a post-copy destination receives it: a page is loaded only if still missing
 * ({@link MissingPages#load}), and a copy of a page already present (a push that crossed an answer,
 * a resend after a broken link) is dropped, so nothing a vCPU wrote is ever overwritten. Shared
 * by the main connection's reader and the request connection's reader.
 */
public final class PostcopySink implements PageSink {
    private final MissingPages missing;
    private final int pageSize;
    private final long pageCount;
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** One page per loading thread (the two connections' readers) for pages that come in parts. */
    private final ThreadLocal<byte[]> gathered;

    public PostcopySink(MissingPages missing, int pageSize, long pageCount) {
        this.missing = missing;
        this.pageSize = pageSize;
        this.pageCount = pageCount;
        this.gathered = ThreadLocal.withInitial(() -> new byte[pageSize]);
    }

    @Override
    public int pageSize() { return pageSize; }

    @Override
    public long pageCount() { return pageCount; }

    @Override
    public void loadPage(long pageIndex, ByteBuf src) {
        int at = src.readerIndex();
        if (src.readableBytes() < pageSize) {
            throw new IllegalArgumentException("page " + pageIndex + " needs " + pageSize + " bytes, " + src.readableBytes() + " left");
        }
        boolean done;
        if (src.hasMemoryAddress()) {
            done = missing.load(pageIndex, src.memoryAddress() + at);
        } else {
            // A page of a frame that spanned socket reads: gathered into this thread's page first,
            // since a missing page is loaded in one piece.
            byte[] copy = gathered.get();
            src.getBytes(at, copy);
            done = missing.load(pageIndex, copy, 0);
        }
        src.readerIndex(at + pageSize);
        count(done);
    }

    @Override
    public void zeroPage(long pageIndex) {
        count(missing.loadZero(pageIndex));
    }

    private void count(boolean loadedNow) {
        if (loadedNow) loaded.incrementAndGet();
        else dropped.incrementAndGet();
    }

    /** Pages loaded through this sink. */
    public long loadedPages() { return loaded.get(); }

    /** Copies dropped because the page was already present. */
    public long droppedPages() { return dropped.get(); }

    /** Post-copy sends whole pages only: a delta on its connections is bad input, not a bug here. */
    @Override
    public void patchPage(long pageIndex, int offset, io.netty.buffer.ByteBuf src, int srcIndex, int length) {
        throw new io.livemig.migrator.protocol.ProtocolException("a delta page during post-copy");
    }
}
