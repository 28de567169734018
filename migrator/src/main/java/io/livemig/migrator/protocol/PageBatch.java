package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A decoded batch of pages, still in the received frame: {@code entries} is a retained slice of
 * it, so pages are copied exactly once, from the frame into guest memory, by {@link #applyTo}.
 *
 * <p>Payload: {@code [pageSize u32][entryCount u32]} then entries, each a u64 word (bit 63: zero
 * page; bits 0..62: page index) followed, for a normal page, by {@code pageSize} bytes. The
 * decoder has already checked that layout; the counts below come from it.
 *
 * <p>It is reference counted through its slice: {@link #applyTo} releases it, and Netty releases
 * it if it is dropped in a pipeline; a holder that drops it otherwise must {@link #release()} it.
 */
public record PageBatch(int pageSize, int normalPages, int zeroPages, ByteBuf entries)
        implements Message, ReferenceCounted {

    static final int HEADER_BYTES = 2 * Integer.BYTES;
    static final int ENTRY_WORD_BYTES = Long.BYTES;
    static final long ZERO_PAGE_FLAG = 1L << 63;
    static final long PAGE_INDEX_MASK = ~ZERO_PAGE_FLAG;

    public PageBatch {
        ProtocolLimits.checkPageSize(pageSize);
        ProtocolLimits.checkRange("normalPages", normalPages, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("zeroPages", zeroPages, 0, Integer.MAX_VALUE);
        long expectedBytes = (long) (normalPages + zeroPages) * ENTRY_WORD_BYTES + (long) normalPages * pageSize;
        if (entries == null || entries.readableBytes() != expectedBytes) {
            throw new IllegalArgumentException("entries of " + normalPages + " normal and " + zeroPages
                    + " zero pages must be " + expectedBytes + " bytes");
        }
    }

    public int pageCount() {
        return normalPages + zeroPages;
    }

    public long pageBytes() {
        return (long) normalPages * pageSize;
    }

    /**
     * Loads every page into {@code sink}, then releases this batch (also when it fails). All page
     * indices are checked first, so a batch that fails changes nothing.
     *
     * @throws ProtocolException if the page size is not the sink's or an index is out of range
     */
    public void applyTo(PageSink sink) {
        if (entries.refCnt() == 0) {
            throw new IllegalStateException("page batch already applied or released");
        }
        try {
            if (sink.pageSize() != pageSize) {
                throw new ProtocolException("PAGE_BATCH page size " + pageSize + " differs from the negotiated "
                        + sink.pageSize());
            }
            checkIndices(sink.pageCount());
            load(sink);
        } finally {
            entries.release();
        }
    }

    private void checkIndices(long sinkPageCount) {
        int end = entries.writerIndex();
        for (int at = entries.readerIndex(); at < end; ) {
            long word = entries.getLong(at);
            long pageIndex = word & PAGE_INDEX_MASK;
            if (pageIndex >= sinkPageCount) {
                throw new ProtocolException("PAGE_BATCH page index " + pageIndex + " out of range: guest has "
                        + sinkPageCount + " pages");
            }
            at += ENTRY_WORD_BYTES + ((word & ZERO_PAGE_FLAG) != 0 ? 0 : pageSize);
        }
    }

    private void load(PageSink sink) {
        int end = entries.writerIndex();
        for (int at = entries.readerIndex(); at < end; ) {
            long word = entries.getLong(at);
            at += ENTRY_WORD_BYTES;
            if ((word & ZERO_PAGE_FLAG) != 0) {
                sink.zeroPage(word & PAGE_INDEX_MASK);
            } else {
                // The sink reads from readerIndex; position it each time rather than trusting how far it read.
                entries.readerIndex(at);
                sink.loadPage(word, entries);
                at += pageSize;
            }
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PAGE_BATCH;
    }

    @Override
    public int refCnt() {
        return entries.refCnt();
    }

    @Override
    public PageBatch retain() {
        entries.retain();
        return this;
    }

    @Override
    public PageBatch retain(int increment) {
        entries.retain(increment);
        return this;
    }

    @Override
    public PageBatch touch() {
        entries.touch();
        return this;
    }

    @Override
    public PageBatch touch(Object hint) {
        entries.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return entries.release();
    }

    @Override
    public boolean release(int decrement) {
        return entries.release(decrement);
    }
}
