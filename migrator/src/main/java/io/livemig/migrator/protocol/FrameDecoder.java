package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.zip.CRC32C;

/**
 * Cuts the byte stream into frames and checks each one's header and CRC-32C. Emits each frame
 * (header + payload, CRC stripped) as one buffer, never copying its bytes: a retained slice of
 * what the socket read when the frame lies within one read, else a composite of retained slices
 * of the reads it spans (a page batch of 512 KiB usually spans two or more). Only a header that is
 * itself cut by a read is copied, into 8 bytes of its own. The header is checked as soon as its 8
 * bytes are in, so an oversized frame is refused before any of its payload is kept.
 *
 * <p>After the first {@link ProtocolException} the stream is out of sync for good: every later
 * byte is discarded, and the channel is expected to be closed.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {

    private final int maxPayloadBytes;
    private final CRC32C crc = new CRC32C();
    /** Reads a frame may span before its parts are merged; far more than a 4 MiB frame in reads of 64 KiB needs. */
    private static final int MAX_PARTS = 1024;

    /** The frame (a composite of slices of reads) or, while {@link #headerOnly}, the header being assembled, or null. */
    private ByteBuf partial;
    private int partialBytes;
    private boolean headerOnly;
    private boolean failed;

    public FrameDecoder(int maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes + " < 0");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!failed) {
                decode(ctx, in);
            }
        } catch (ProtocolException e) {
            failed = true;
            releasePartial();
            throw e;
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePartial();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePartial();
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable()) {
            if (partial != null) {
                int take = Math.min(partialBytes - partial.readableBytes(), in.readableBytes());
                if (headerOnly) {
                    partial.writeBytes(in, take);
                } else {
                    ((CompositeByteBuf) partial).addComponent(true, in.readRetainedSlice(take));
                }
                if (partial.readableBytes() < partialBytes) {
                    return;
                }
                if (headerOnly) {
                    ByteBuf header = partial;
                    partial = null;
                    try {
                        startPartial(ctx, header, header.readerIndex());
                    } finally {
                        header.release();
                    }
                } else {
                    ByteBuf frame = partial;
                    partial = null;
                    emit(ctx, frame, frame.readerIndex(), false);
                }
                continue;
            }
            int start = in.readerIndex();
            if (in.readableBytes() < FrameFormat.HEADER_BYTES) {
                partial = ctx.alloc().buffer(FrameFormat.HEADER_BYTES, FrameFormat.HEADER_BYTES);
                partialBytes = FrameFormat.HEADER_BYTES;
                headerOnly = true;
                partial.writeBytes(in);
                return;
            }
            int frameBytes = frameBytes(in, start);
            if (in.readableBytes() >= frameBytes) {
                in.skipBytes(frameBytes);
                emit(ctx, in, start, true);
            } else {
                startPartial(ctx, in, start);
            }
        }
    }

    /**
     * Starts the frame whose header is at {@code from[start]} with what {@code from} holds of it (all of
     * {@code from}'s readable bytes from {@code start}): a slice of a read, or a header's own copy.
     */
    private void startPartial(ChannelHandlerContext ctx, ByteBuf from, int start) {
        int frameBytes = frameBytes(from, start);
        CompositeByteBuf frame = ctx.alloc().compositeDirectBuffer(MAX_PARTS);
        from.readerIndex(start);
        frame.addComponent(true, from.readRetainedSlice(Math.min(frameBytes, from.readableBytes())));
        if (frame.readableBytes() == frameBytes) {
            emit(ctx, frame, 0, false);
            return;
        }
        partial = frame;
        partialBytes = frameBytes;
        headerOnly = false;
    }

    private int frameBytes(ByteBuf in, int start) {
        return FrameFormat.HEADER_BYTES + FrameFormat.checkHeader(in, start, maxPayloadBytes) + FrameFormat.TRAILER_BYTES;
    }

    /**
     * Checks the CRC of the frame at {@code buf[start]} and passes header + payload on.
     *
     * @param shared true: {@code buf} is the caller's and the frame goes on as a retained slice;
     *               false: {@code buf} is the frame's own buffer and goes on as it is (or is released)
     */
    private void emit(ChannelHandlerContext ctx, ByteBuf buf, int start, boolean shared) {
        int payloadBytes;
        try {
            payloadBytes = (int) buf.getUnsignedInt(start + 4);
            int checkedBytes = FrameFormat.HEADER_BYTES + FrameFormat.checkedPayloadBytes(buf, start, payloadBytes);
            int expectedCrc = buf.getInt(start + FrameFormat.HEADER_BYTES + payloadBytes);
            int actualCrc = FrameFormat.crc32c(crc, buf, start, checkedBytes);
            if (expectedCrc != actualCrc) {
                throw new ProtocolException(String.format("frame CRC-32C mismatch: header says %08x, bytes give %08x",
                        expectedCrc, actualCrc));
            }
        } catch (RuntimeException e) {
            if (!shared) buf.release();
            throw e;
        }
        int length = FrameFormat.HEADER_BYTES + payloadBytes;
        ctx.fireChannelRead(shared ? buf.retainedSlice(start, length) : buf.slice(start, length));
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
