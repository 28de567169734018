package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame layout, shared by every encoder and decoder:
 * {@code [type u8][flags u8][reserved u16][length u32][payload: length bytes][crc32c u32]},
 * big-endian, the CRC-32C covering header and payload.
 */
public final class FrameFormat {

    public static final int HEADER_BYTES = 8;
    public static final int TRAILER_BYTES = 4;
    /** Largest payload a decoder accepts unless configured otherwise; bigger frames are refused unread. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 4 << 20;

    private static final int LENGTH_OFFSET = 4;

    private FrameFormat() {
    }

    /** Starts a frame at {@code out.writerIndex()}; {@link #finishFrame} fills in length and CRC. */
    static void writeHeader(ByteBuf out, MessageType type) {
        out.writeByte(type.code());
        out.writeByte(0);   // flags: none defined in version 1
        out.writeShort(0);  // reserved
        out.writeInt(0);    // length, filled in by finishFrame
    }

    /** Completes the frame that starts at {@code frameStart} and ends at {@code out.writerIndex()}. */
    static void finishFrame(ByteBuf out, int frameStart) {
        int payloadBytes = out.writerIndex() - frameStart - HEADER_BYTES;
        out.setInt(frameStart + LENGTH_OFFSET, payloadBytes);
        out.writeInt(crc32c(out, frameStart, HEADER_BYTES + payloadBytes));
    }

    /**
     * Validates the header at {@code index} (8 readable bytes) before any payload is awaited, so an
     * absurd length is refused without buffering it.
     *
     * @return the payload length in bytes
     */
    static int checkHeader(ByteBuf in, int index, int maxPayloadBytes) {
        MessageType.fromCode(in.getUnsignedByte(index));
        int flags = in.getUnsignedByte(index + 1);
        int reserved = in.getUnsignedShort(index + 2);
        if (flags != 0 || reserved != 0) {
            throw new ProtocolException("frame header has non-zero flags " + flags + " or reserved bits " + reserved);
        }
        long payloadBytes = in.getUnsignedInt(index + LENGTH_OFFSET);
        if (payloadBytes > maxPayloadBytes) {
            throw new ProtocolException("frame payload of " + payloadBytes
                    + " bytes exceeds the maximum of " + maxPayloadBytes);
        }
        return (int) payloadBytes;
    }

    static int crc32c(ByteBuf buf, int index, int length) {
        CRC32C crc = new CRC32C();
        if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
        return (int) crc.getValue();
    }
}
