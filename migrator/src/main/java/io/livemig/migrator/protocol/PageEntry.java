package io.livemig.migrator.protocol;

/**
 * One PAGE_BATCH entry, a u64: bits 63..62 the kind ({@code 00} a whole page, {@code 10} an all-zero
 * page, {@code 01} a delta against the page as the destination holds it, {@code 11} invalid), bits
 * 61..32 the delta's length in bytes (zero for the other kinds), bits 31..0 the page index.
 * Whole pages and deltas have their bytes in the batch's data block, in entry order; a zero page
 * has none.
 */
public final class PageEntry {
    public static final int BYTES = Long.BYTES;

    static final int NORMAL = 0;
    static final int DELTA = 1;
    static final int ZERO = 2;

    private static final int KIND_SHIFT = 62;
    private static final int LENGTH_SHIFT = 32;
    private static final long LENGTH_MASK = (1L << 30) - 1;
    private static final long INDEX_MASK = 0xFFFF_FFFFL;
    /** Largest page index an entry can name; guests have fewer pages than this. */
    public static final long MAX_PAGE_INDEX = INDEX_MASK;

    private PageEntry() {
    }

    static long normal(long pageIndex) {
        return checkIndex(pageIndex);
    }

    static long zero(long pageIndex) {
        return (long) ZERO << KIND_SHIFT | checkIndex(pageIndex);
    }

    static long delta(long pageIndex, int lengthBytes) {
        if (lengthBytes < 0 || lengthBytes > LENGTH_MASK) {
            throw new IllegalArgumentException("delta of " + lengthBytes + " bytes");
        }
        return (long) DELTA << KIND_SHIFT | (long) lengthBytes << LENGTH_SHIFT | checkIndex(pageIndex);
    }

    static int kind(long entry) {
        return (int) (entry >>> KIND_SHIFT);
    }

    static long pageIndex(long entry) {
        return entry & INDEX_MASK;
    }

    /** Bytes of a delta entry; zero for the other kinds. */
    static int deltaLength(long entry) {
        return (int) ((entry >>> LENGTH_SHIFT) & LENGTH_MASK);
    }

    /**
     * Bytes the entry occupies in the (uncompressed) data block.
     *
     * @throws ProtocolException for an invalid kind, a length on a non-delta entry, or a delta longer than a page
     */
    static int dataBytes(long entry, int pageSize) {
        int kind = kind(entry);
        int length = deltaLength(entry);
        switch (kind) {
            case NORMAL, ZERO -> {
                if (length != 0) throw new ProtocolException("PAGE_BATCH entry " + Long.toHexString(entry) + " has a length but is no delta");
                return kind == NORMAL ? pageSize : 0;
            }
            case DELTA -> {
                if (length >= pageSize) {
                    throw new ProtocolException("PAGE_BATCH delta of " + length + " bytes for a page of " + pageSize);
                }
                return length;
            }
            default -> throw new ProtocolException("PAGE_BATCH entry " + Long.toHexString(entry) + " has the invalid kind 3");
        }
    }

    private static long checkIndex(long pageIndex) {
        if (pageIndex < 0 || pageIndex > INDEX_MASK) {
            throw new IllegalArgumentException("page index " + pageIndex + " does not fit an entry");
        }
        return pageIndex;
    }
}
