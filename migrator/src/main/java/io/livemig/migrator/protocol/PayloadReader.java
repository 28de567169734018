package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.ByteOrder;

/** Reads one message's payload, checking every length against what is left before reading it. */
final class PayloadReader {

    private final MessageType type;
    private final ByteBuf payload;

    PayloadReader(MessageType type, ByteBuf payload) {
        this.type = type;
        this.payload = payload;
    }

    int readInt() {
        need(Integer.BYTES);
        return payload.readInt();
    }

    /** A boolean as one byte, 0 or 1; anything else is a protocol error. */
    boolean readFlag(String field) {
        need(1);
        byte b = payload.readByte();
        if (b != 0 && b != 1) throw new ProtocolException(type + ": " + field + " must be 0 or 1, got " + b);
        return b == 1;
    }

    int readUnsignedByte() {
        need(1);
        return payload.readUnsignedByte();
    }

    int readUnsignedShort() {
        need(Short.BYTES);
        return payload.readUnsignedShort();
    }

    long readLong() {
        need(Long.BYTES);
        return payload.readLong();
    }

    byte[] readBytes(int length) {
        need(length);
        byte[] bytes = new byte[length];
        payload.readBytes(bytes);
        return bytes;
    }

    /** A u16 length, at most {@code maxBytes}, then the bytes. */
    byte[] readSizedBytes(String field, int maxBytes) {
        return readBytes(readLength(field, maxBytes));
    }

    String readString(String field) {
        int length = readLength(field, ProtocolLimits.MAX_STRING_BYTES);
        need(length);
        String s = Utf8.decode(type + " " + field, payload.nioBuffer(payload.readerIndex(), length));
        payload.skipBytes(length);
        return s;
    }

    long[] readLongs(int count) {
        need((long) count * Long.BYTES);
        long[] values = new long[count];
        // One bulk copy, not a readLong per value (see MessageCodec.writeLongValues).
        payload.nioBuffer(payload.readerIndex(), count * Long.BYTES).order(ByteOrder.BIG_ENDIAN).asLongBuffer().get(values);
        payload.skipBytes(count * Long.BYTES);
        return values;
    }

    /** A u32 count of items, at most {@code max}; a larger one is a protocol error before anything is allocated. */
    int readCount(String field, int max) {
        long count = Integer.toUnsignedLong(readInt());
        if (count > max) throw new ProtocolException(type + " " + field + " count " + count + " exceeds " + max);
        return (int) count;
    }

    /** The rest of the payload as a retained slice, which the caller must release. */
    ByteBuf readRetainedRest() {
        return payload.readRetainedSlice(payload.readableBytes());
    }

    ByteBuf buffer() {
        return payload;
    }

    void expectEnd() {
        if (payload.isReadable()) {
            throw new ProtocolException(type + " payload has " + payload.readableBytes() + " unexpected trailing bytes");
        }
    }

    void need(long bytes) {
        if (payload.readableBytes() < bytes) {
            throw new ProtocolException(type + " payload truncated: needs " + bytes
                    + " more bytes at offset " + payload.readerIndex() + ", has " + payload.readableBytes());
        }
    }

    private int readLength(String field, int maxBytes) {
        need(Short.BYTES);
        int length = payload.readUnsignedShort();
        if (length > maxBytes) {
            throw new ProtocolException(type + " " + field + " of " + length + " bytes exceeds " + maxBytes);
        }
        return length;
    }
}
