package io.livemig.emulator;

import java.util.Arrays;

/**
 * A snapshot of dirty pages, one bit per page, that the migrator iterates cheaply and reuses
 * from round to round (no allocation per round or per page).
 */
public final class DirtyBitmap {
    private final long pageCount;
    private final long[] words;
    private long cardinality;

    public DirtyBitmap(long pageCount) {
        if (pageCount <= 0 || pageCount > Integer.MAX_VALUE - 64L) {
            throw new IllegalArgumentException("page count out of range: " + pageCount);
        }
        this.pageCount = pageCount;
        this.words = new long[(int) ((pageCount + 63) >>> 6)];
    }

    public long pageCount() { return pageCount; }

    /** Number of pages set. */
    public long cardinality() { return cardinality; }

    public boolean isEmpty() { return cardinality == 0; }

    public void set(long page) {
        checkPage(page);
        int w = (int) (page >>> 6);
        long bit = 1L << page;
        if ((words[w] & bit) == 0) {
            words[w] |= bit;
            cardinality++;
        }
    }

    public void setAll() {
        Arrays.fill(words, -1L);
        int tail = (int) (pageCount & 63);
        if (tail != 0) words[words.length - 1] = (1L << tail) - 1;
        cardinality = pageCount;
    }

    public boolean get(long page) {
        checkPage(page);
        return (words[(int) (page >>> 6)] & (1L << page)) != 0;
    }

    public void clear() {
        Arrays.fill(words, 0L);
        cardinality = 0;
    }

    /** Words of 64 pages each (the last one partly used): for copying a bitmap in bulk, e.g. onto the wire. */
    public int wordCount() { return words.length; }

    /** Pages {@code 64 * index .. 64 * index + 63}, bit i = page {@code 64 * index + i}. */
    public long word(int index) { return words[index]; }

    /**
     * Sets the pages of {@code bits} in word {@code index} (bits past the last page are ignored).
     *
     * @return how many of them were not set before
     */
    public int orWord(int index, long bits) {
        if (index == words.length - 1 && (pageCount & 63) != 0) bits &= (1L << pageCount) - 1;
        long fresh = bits & ~words[index];
        words[index] |= fresh;
        int added = Long.bitCount(fresh);
        cardinality += added;
        return added;
    }

    /** Copies words {@code fromWord .. fromWord + into.length - 1} into {@code into}, in one bulk copy. */
    public void copyWords(int fromWord, long[] into) {
        System.arraycopy(words, fromWord, into, 0, into.length);
    }

    /** The first set page at or after {@code from}, or -1. */
    public long nextSetPage(long from) {
        if (from >= pageCount) return -1;
        if (from < 0) from = 0;
        int w = (int) (from >>> 6);
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                long page = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return page < pageCount ? page : -1;
            }
            if (++w == words.length) return -1;
            word = words[w];
        }
    }

    private void checkPage(long page) {
        if (page < 0 || page >= pageCount) throw new IndexOutOfBoundsException("page " + page + " of " + pageCount);
    }
}
