package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame layout, shared by every encoder and decoder:
 * {@code [type u8][flags u8][reserved u16][length u32][payload: length bytes][crc32c u32]},
 * big-endian. The CRC-32C covers the header and the payload, except in a frame with
 * {@link #FLAG_DATA_TAIL}: its payload starts with a u32 {@code checkedBytes}, and the CRC covers
 * the header and the first {@code checkedBytes} of the payload only. The rest, the data tail, is
 * page data sent straight from guest memory, which a running guest may change while it is on its
 * way; it is checked end to end by the memory digest instead. Only PAGE_BATCH frames carry the
 * flag, and they always do.
 */
public final class FrameFormat {

    public static final int HEADER_BYTES = 8;
    public static final int TRAILER_BYTES = 4;
    /** Largest payload a decoder accepts unless configured otherwise; bigger frames are refused unread. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 4 << 20;
    /** Flags bit 0: the payload opens with the u32 count of checked bytes; the CRC covers only those. */
    public static final int FLAG_DATA_TAIL = 0x01;

    private static final int FLAGS_OFFSET = 1;
    private static final int LENGTH_OFFSET = 4;

    private FrameFormat() {
    }

    /** Starts a frame at {@code out.writerIndex()}; {@link #finishFrame} fills in length and CRC. */
    static void writeHeader(ByteBuf out, MessageType type) {
        out.writeByte(type.code());
        out.writeByte(flagsOf(type));
        out.writeShort(0);  // reserved
        out.writeInt(0);    // length, filled in by finishFrame
    }

    /** The flags every frame of {@code type} carries. */
    static int flagsOf(MessageType type) {
        return type == MessageType.PAGE_BATCH ? FLAG_DATA_TAIL : 0;
    }

    /** Completes the frame that starts at {@code frameStart} and ends at {@code out.writerIndex()}. */
    static void finishFrame(ByteBuf out, int frameStart) {
        int payloadBytes = out.writerIndex() - frameStart - HEADER_BYTES;
        out.setInt(frameStart + LENGTH_OFFSET, payloadBytes);
        out.writeInt(crc32c(out, frameStart, HEADER_BYTES + checkedPayloadBytes(out, frameStart, payloadBytes)));
    }

    /** Fills in the length of a frame whose payload is {@code payloadBytes} long; for frames sent in parts. */
    static void setPayloadLength(ByteBuf head, int frameStart, int payloadBytes) {
        head.setInt(frameStart + LENGTH_OFFSET, payloadBytes);
    }

    /**
     * Validates the header at {@code index} (8 readable bytes) before any payload is awaited, so an
     * absurd length is refused without buffering it.
     *
     * @return the payload length in bytes
     */
    static int checkHeader(ByteBuf in, int index, int maxPayloadBytes) {
        MessageType type = MessageType.fromCode(in.getUnsignedByte(index));
        int flags = in.getUnsignedByte(index + FLAGS_OFFSET);
        int reserved = in.getUnsignedShort(index + 2);
        if (flags != flagsOf(type) || reserved != 0) {
            throw new ProtocolException("frame header of " + type + " has flags " + flags + " (expected " + flagsOf(type)
                    + ") or non-zero reserved bits " + reserved);
        }
        long payloadBytes = in.getUnsignedInt(index + LENGTH_OFFSET);
        if (payloadBytes > maxPayloadBytes) {
            throw new ProtocolException("frame payload of " + payloadBytes
                    + " bytes exceeds the maximum of " + maxPayloadBytes);
        }
        if ((flags & FLAG_DATA_TAIL) != 0 && payloadBytes < Integer.BYTES) {
            throw new ProtocolException(type + " payload of " + payloadBytes + " bytes cannot hold its checked length");
        }
        return (int) payloadBytes;
    }

    /**
     * How many payload bytes the CRC covers: all of them, or for a frame with a data tail the count
     * its payload opens with, checked to lie within the payload.
     */
    static int checkedPayloadBytes(ByteBuf frame, int frameStart, int payloadBytes) {
        if ((frame.getUnsignedByte(frameStart + FLAGS_OFFSET) & FLAG_DATA_TAIL) == 0) {
            return payloadBytes;
        }
        long checked = frame.getUnsignedInt(frameStart + HEADER_BYTES);
        if (checked < Integer.BYTES || checked > payloadBytes) {
            throw new ProtocolException("frame announces " + checked + " checked bytes in a payload of " + payloadBytes);
        }
        return (int) checked;
    }

    static int crc32c(ByteBuf buf, int index, int length) {
        return crc32c(new CRC32C(), buf, index, length);
    }

    /** The same with a caller's reusable checksum object, reset first. */
    static int crc32c(CRC32C crc, ByteBuf buf, int index, int length) {
        crc.reset();
        update(crc, buf, index, length);
        return (int) crc.getValue();
    }

    static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (buf.nioBufferCount() == 1) {
            // The buffer's own cached view: no allocation per frame. Safe here: each frame is read by one thread at a time.
            crc.update(buf.internalNioBuffer(index, length));
        } else {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
    }
}
