package io.livemig.migrator.protocol;

import java.util.Arrays;

/**
 * A chunk of a page bitmap: bit {@code i} of {@code words} (word {@code i / 64}, bit {@code i % 64})
 * set means page {@code firstPage + i} is missing. Source to destination before
 * {@link PostcopyStart} (the pages the destination does not hold, or holds stale); destination to
 * source before {@link PostcopyResumeAck} (the pages it still lacks after a broken link). Chunks
 * of at most {@link #MAX_WORDS} words (4 Mi pages, 16 GiB of 4 KiB pages) keep each frame small;
 * pages not covered by any chunk are present.
 */
public record MissingMap(long firstPage, long[] words) implements Message {

    /** 512 KiB of bitmap per frame. */
    public static final int MAX_WORDS = 1 << 16;

    public MissingMap {
        ProtocolLimits.checkRange("firstPage", firstPage, 0, Integer.MAX_VALUE);
        if (firstPage % 64 != 0) throw new IllegalArgumentException("firstPage " + firstPage + " is not a multiple of 64");
        if (words == null || words.length == 0 || words.length > MAX_WORDS) {
            throw new IllegalArgumentException("a missing map holds 1.." + MAX_WORDS + " words, got "
                    + (words == null ? "null" : words.length));
        }
        words = words.clone();
    }

    @Override
    public long[] words() { return words.clone(); }

    public int wordCount() { return words.length; }

    /** Pages this chunk marks missing. */
    public long missingPages() {
        long count = 0;
        for (long w : words) count += Long.bitCount(w);
        return count;
    }

    /** Whether page {@code firstPage + offset} is marked. */
    public boolean isMissing(long offset) {
        return (words[(int) (offset >>> 6)] & (1L << offset)) != 0;
    }

    /** Pages this chunk covers, marked or not. */
    public long coveredPages() { return (long) words.length * 64; }

    @Override
    public MessageType type() { return MessageType.MISSING_MAP; }

    @Override
    public boolean equals(Object o) {
        return o instanceof MissingMap m && m.firstPage == firstPage && Arrays.equals(m.words, words);
    }

    @Override
    public int hashCode() { return 31 * Long.hashCode(firstPage) + Arrays.hashCode(words); }

    @Override
    public String toString() { return "MissingMap[firstPage=" + firstPage + ", words=" + words.length + ", missing=" + missingPages() + "]"; }
}
