package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * One finished PAGE_BATCH frame as the buffers that make it up, in wire order: the header block
 * (frame header, batch header, entries), the data block (slices of guest memory sent as they are,
 * and pages copied into a pooled buffer), and the 4-byte CRC. Written part by part, a frame goes
 * to the socket in one gathering write with no copy of the pages that were sent in place.
 *
 * <p>The holder is reused by its {@link PageBatchEncoder}; whoever takes the frame owns its parts
 * (writes or releases them) and then {@link #clear()}s it.
 */
public final class PageFrame {
    private final ByteBuf[] parts;
    private int count;
    private int readableBytes;

    PageFrame(int maxParts) {
        this.parts = new ByteBuf[maxParts];
    }

    void add(ByteBuf part) {
        if (count == parts.length) {
            throw new IllegalStateException("a frame of more than " + parts.length + " parts");
        }
        parts[count++] = part;
        readableBytes += part.readableBytes();
    }

    /** Puts {@code part} first, before the parts already added. */
    void addFirst(ByteBuf part) {
        if (count == parts.length) {
            throw new IllegalStateException("a frame of more than " + parts.length + " parts");
        }
        System.arraycopy(parts, 0, parts, 1, count);
        parts[0] = part;
        count++;
        readableBytes += part.readableBytes();
    }

    public int partCount() {
        return count;
    }

    public ByteBuf part(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("part " + i + " of " + count);
        return parts[i];
    }

    /** Bytes of the whole frame on the wire. */
    public int readableBytes() {
        return readableBytes;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Forgets the parts, whose ownership has passed on. */
    public void clear() {
        java.util.Arrays.fill(parts, 0, count, null);
        count = 0;
        readableBytes = 0;
    }

    /** Releases every part and forgets them; for error paths. */
    public void release() {
        for (int i = 0; i < count; i++) {
            parts[i].release();
        }
        clear();
    }

    /** The frame as one buffer (a composite of the parts, no copy), which the caller owns; the holder is cleared. */
    public ByteBuf toByteBuf(ByteBufAllocator alloc) {
        CompositeByteBuf frame = alloc.compositeDirectBuffer(Math.max(2, count));
        for (int i = 0; i < count; i++) {
            frame.addComponent(true, parts[i]);
        }
        clear();
        return frame;
    }
}
