package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

/**
 * XOR-run-length deltas between two versions of a page (after QEMU's XBZRLE): only the bytes that
 * changed travel. A delta is a sequence of pairs {@code [unchanged u-varint][changed u-varint]
 * [changed bytes: their new values]}; unchanged bytes at the end of the page are not encoded, so
 * an unchanged page is the empty delta. Varints are unsigned LEB128, at most 3 bytes (pages are at
 * most 1 MiB). Only the first pair may have 0 unchanged bytes; every pair changes at least one.
 *
 * <p>The destination applies a delta to the page as it holds it, which is the version the source
 * last sent: the source keeps that version in its {@link DeltaCache} and encodes against it.
 */
public final class Xbzrle {
    private static final int MAX_VARINT_BYTES = 3;

    private Xbzrle() {
    }

    /**
     * Appends the delta that turns {@code old} into {@code now} (each {@code pageSize} bytes from
     * the given index) to {@code out}, if it takes at most {@code limit} bytes.
     *
     * @return the delta's length, or -1 if it would exceed {@code limit} (then {@code out} is as it was)
     */
    public static int encode(ByteBuf old, int oldAt, ByteBuf now, int nowAt, int pageSize, ByteBuf out, int limit) {
        int start = out.writerIndex();
        int done = 0;
        while (done < pageSize) {
            int changeStart = skipEqual(old, oldAt, now, nowAt, done, pageSize);
            if (changeStart == pageSize) break;
            int changeEnd = changeStart + 1;
            while (changeEnd < pageSize && old.getByte(oldAt + changeEnd) != now.getByte(nowAt + changeEnd)) changeEnd++;
            int changed = changeEnd - changeStart;
            if (out.writerIndex() - start + varintBytes(changeStart - done) + varintBytes(changed) + changed > limit) {
                out.writerIndex(start);
                return -1;
            }
            writeVarint(out, changeStart - done);
            writeVarint(out, changed);
            out.writeBytes(now, nowAt + changeStart, changed);
            done = changeEnd;
        }
        return out.writerIndex() - start;
    }

    /**
     * Checks a delta of {@code length} bytes at {@code delta[at]} for a page of {@code pageSize}
     * without applying it: every varint whole and short, every run within the page, every pair
     * changing something, the bytes ending exactly at the delta's end.
     *
     * @throws ProtocolException for a malformed delta
     */
    public static void check(ByteBuf delta, int at, int length, int pageSize) {
        walk(delta, at, length, pageSize, null, 0);
    }

    /** Applies a delta that {@link #check} accepted to page {@code pageIndex} of {@code sink}. */
    public static void apply(ByteBuf delta, int at, int length, int pageSize, PageSink sink, long pageIndex) {
        walk(delta, at, length, pageSize, sink, pageIndex);
    }

    private static void walk(ByteBuf delta, int at, int length, int pageSize, PageSink sink, long pageIndex) {
        int end = at + length;
        int position = 0;
        boolean first = true;
        while (at < end) {
            long unchanged = readVarint(delta, at, end, pageSize);
            at += varintBytes((int) unchanged);
            long changed = readVarint(delta, at, end, pageSize);
            at += varintBytes((int) changed);
            if (unchanged == 0 && !first) throw new ProtocolException("delta has an empty unchanged run after the first");
            if (changed == 0) throw new ProtocolException("delta has an empty changed run");
            if (position + unchanged + changed > pageSize) {
                throw new ProtocolException("delta runs past the end of a page of " + pageSize + " bytes");
            }
            if (changed > end - at) throw new ProtocolException("delta ends inside a changed run");
            position += (int) unchanged;
            if (sink != null) sink.patchPage(pageIndex, position, delta, at, (int) changed);
            position += (int) changed;
            at += (int) changed;
            first = false;
        }
    }

    /** The first index in [from, pageSize) where the two pages differ, or pageSize; 8 bytes at a time where it can. */
    private static int skipEqual(ByteBuf old, int oldAt, ByteBuf now, int nowAt, int from, int pageSize) {
        int i = from;
        while (i < pageSize && (i & 7) != 0) {
            if (old.getByte(oldAt + i) != now.getByte(nowAt + i)) return i;
            i++;
        }
        while (i + Long.BYTES <= pageSize) {
            long x = old.getLong(oldAt + i) ^ now.getLong(nowAt + i);
            if (x != 0) return i + Long.numberOfLeadingZeros(x) / 8;  // big-endian: the first byte is the highest
            i += Long.BYTES;
        }
        while (i < pageSize && old.getByte(oldAt + i) == now.getByte(nowAt + i)) i++;
        return i;
    }

    private static long readVarint(ByteBuf in, int at, int end, int pageSize) {
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (at + i >= end) throw new ProtocolException("delta ends inside a varint");
            int b = in.getUnsignedByte(at + i);
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > pageSize) throw new ProtocolException("delta run of " + value + " bytes in a page of " + pageSize);
                if (i > 0 && b == 0) throw new ProtocolException("delta varint is not in its shortest form");
                return value;
            }
        }
        throw new ProtocolException("delta varint longer than " + MAX_VARINT_BYTES + " bytes");
    }

    private static void writeVarint(ByteBuf out, int value) {
        while (value >= 0x80) {
            out.writeByte(value & 0x7F | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    static int varintBytes(int value) {
        return value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : 3;
    }
}
