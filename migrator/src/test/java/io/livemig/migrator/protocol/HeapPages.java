package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;

/** Guest memory on the heap, for tests: both ends of a page transfer. */
public final class HeapPages implements PageSource, PageSink {

    private final int pageSize;
    private final byte[] memory;
    private int loads;
    private int lends;
    private int patched;
    private int zeroes;

    public HeapPages(int pageSize, int pageCount) {
        this.pageSize = pageSize;
        this.memory = new byte[Math.multiplyExact(pageSize, pageCount)];
    }

    /** Fills pages with random bytes, leaving about one in {@code zeroEvery} all zero. */
    public static HeapPages random(int pageSize, int pageCount, int zeroEvery, long seed) {
        HeapPages pages = new HeapPages(pageSize, pageCount);
        Random random = new Random(seed);
        byte[] page = new byte[pageSize];
        for (int i = 0; i < pageCount; i++) {
            if (random.nextInt(zeroEvery) != 0) {
                random.nextBytes(page);
                page[0] |= 1;  // never all zero by chance
                System.arraycopy(page, 0, pages.memory, i * pageSize, pageSize);
            }
        }
        return pages;
    }

    public void fill(byte value) {
        Arrays.fill(memory, value);
    }

    public byte[] page(long pageIndex) {
        int from = offset(pageIndex);
        return Arrays.copyOfRange(memory, from, from + pageSize);
    }

    public boolean sameContents(HeapPages other) {
        return Arrays.equals(memory, other.memory);
    }

    public int loads() {
        return loads;
    }

    public int zeroes() {
        return zeroes;
    }

    /** Runs lent by {@link #wrapPages}. */
    public int lends() {
        return lends;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public long pageCount() {
        return memory.length / pageSize;
    }

    @Override
    public boolean isZeroPage(long pageIndex) {
        int from = offset(pageIndex);
        for (int i = from; i < from + pageSize; i++) {
            if (memory[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void copyPage(long pageIndex, ByteBuf dst) {
        dst.writeBytes(memory, offset(pageIndex), pageSize);
    }

    @Override
    public ByteBuf wrapPages(long firstPage, int pageCount) {
        lends++;
        return Unpooled.wrappedBuffer(memory, offset(firstPage), pageCount * pageSize);
    }

    @Override
    public void loadPage(long pageIndex, ByteBuf src) {
        src.readBytes(memory, offset(pageIndex), pageSize);
        loads++;
    }

    @Override
    public void patchPage(long pageIndex, int offset, ByteBuf src, int srcIndex, int length) {
        if (offset < 0 || length < 0 || offset + length > pageSize) {
            throw new IndexOutOfBoundsException("patch " + offset + "+" + length + " outside a page of " + pageSize);
        }
        src.getBytes(srcIndex, memory, offset(pageIndex) + offset, length);
    }

    @Override
    public void pagePatched(long pageIndex) {
        patched++;
    }

    public int patched() {
        return patched;
    }

    /** Overwrites page {@code pageIndex} with {@code bytes}. */
    public void setPage(long pageIndex, byte[] bytes) {
        System.arraycopy(bytes, 0, memory, offset(pageIndex), pageSize);
    }

    @Override
    public void zeroPage(long pageIndex) {
        int from = offset(pageIndex);
        Arrays.fill(memory, from, from + pageSize, (byte) 0);
        zeroes++;
    }

    private int offset(long pageIndex) {
        return Math.toIntExact(pageIndex * pageSize);
    }
}
