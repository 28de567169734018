package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A decoded batch of pages, still in the received frame: {@code body} is a retained slice of it
 * holding the entries ({@link PageEntry}, 8 bytes each) and then the data block, so pages are
 * copied once, from the frame into guest memory, by a {@link PageLoader}.
 *
 * <p>Payload: {@code [checkedBytes u32][pageSize u32][entryCount u32][compression u8][0 u8 x3]
 * [dataBytes u32]}, then the entries, then the data block: whole pages and deltas in entry order,
 * {@code dataBytes} long, or that block compressed as one unit. The frame's CRC covers everything
 * up to the end of the entries ({@code checkedBytes} = 20 + 8 x entryCount); see
 * {@link FrameFormat#FLAG_DATA_TAIL}. The decoder has already checked the layout and counted the
 * entries' kinds; page indices are checked against the guest when loading.
 *
 * <p>It is reference counted through its slice: loading releases it, and Netty releases it if it
 * is dropped in a pipeline; a holder that drops it otherwise must {@link #release()} it.
 */
public record PageBatch(int pageSize, int normalPages, int zeroPages, int deltaPages, PageCompression compression,
                        int dataBytes, ByteBuf body) implements Message, ReferenceCounted {

    /** Payload bytes before the entries. */
    public static final int HEADER_BYTES = 20;
    /** Largest uncompressed data block a batch may announce: what a decompressor may be asked to produce. */
    public static final int MAX_DATA_BYTES = 16 << 20;

    public PageBatch {
        ProtocolLimits.checkPageSize(pageSize);
        ProtocolLimits.checkRange("normalPages", normalPages, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("zeroPages", zeroPages, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("deltaPages", deltaPages, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("dataBytes", dataBytes, 0, MAX_DATA_BYTES);
        long entryBytes = (long) (normalPages + zeroPages + deltaPages) * PageEntry.BYTES;
        if (body == null || body.readableBytes() < entryBytes) {
            throw new IllegalArgumentException("body must hold " + entryBytes + " bytes of entries");
        }
        if (compression == PageCompression.NONE && body.readableBytes() - entryBytes != dataBytes) {
            throw new IllegalArgumentException("uncompressed data block of " + (body.readableBytes() - entryBytes)
                    + " bytes, announced " + dataBytes);
        }
    }

    public int pageCount() {
        return normalPages + zeroPages + deltaPages;
    }

    /** Page data this batch moves: every page that is not all zero, whole or as a delta, at its full size. */
    public long pageBytes() {
        return (long) (normalPages + deltaPages) * pageSize;
    }

    /** The batch's bytes on the wire: frame header, payload and CRC. */
    public int wireBytes() {
        return FrameFormat.HEADER_BYTES + HEADER_BYTES + body.readableBytes() + FrameFormat.TRAILER_BYTES;
    }

    /**
     * Loads every page into {@code sink} with a loader made for this one call, then releases this
     * batch (also when it fails). Receivers that load many batches keep one {@link PageLoader}.
     *
     * @throws ProtocolException if the page size is not the sink's, an index is out of range or a delta is malformed
     */
    public void applyTo(PageSink sink) {
        try (PageLoader loader = new PageLoader()) {
            loader.load(this, sink);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PAGE_BATCH;
    }

    @Override
    public int refCnt() {
        return body.refCnt();
    }

    @Override
    public PageBatch retain() {
        body.retain();
        return this;
    }

    @Override
    public PageBatch retain(int increment) {
        body.retain(increment);
        return this;
    }

    @Override
    public PageBatch touch() {
        body.touch();
        return this;
    }

    @Override
    public PageBatch touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return body.release();
    }

    @Override
    public boolean release(int decrement) {
        return body.release(decrement);
    }
}
