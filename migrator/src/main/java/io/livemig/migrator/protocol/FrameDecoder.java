package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into frames and checks each one's header and CRC-32C. Emits each frame
 * (header + payload, CRC stripped) as a retained slice of the input; no bytes are copied.
 *
 * <p>After the first {@link ProtocolException} the stream is out of sync for good: every later
 * byte is discarded, and the channel is expected to be closed.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxPayloadBytes;
    private boolean failed;

    public FrameDecoder(int maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes + " < 0");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeFrame(in, out);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeFrame(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < FrameFormat.HEADER_BYTES) {
            return;
        }
        int start = in.readerIndex();
        int checkedBytes = FrameFormat.HEADER_BYTES + FrameFormat.checkHeader(in, start, maxPayloadBytes);
        if (in.readableBytes() < checkedBytes + FrameFormat.TRAILER_BYTES) {
            return;
        }
        int expectedCrc = in.getInt(start + checkedBytes);
        int actualCrc = FrameFormat.crc32c(in, start, checkedBytes);
        if (expectedCrc != actualCrc) {
            throw new ProtocolException(String.format("frame CRC-32C mismatch: header says %08x, bytes give %08x",
                    expectedCrc, actualCrc));
        }
        out.add(in.retainedSlice(start, checkedBytes));
        in.skipBytes(checkedBytes + FrameFormat.TRAILER_BYTES);
    }
}
