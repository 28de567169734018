package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;

import java.util.ArrayList;
import java.util.List;

/**
 * A page bitmap as {@link MissingMap} chunks for the wire, in bulk copies of whole words: this runs
 * in the switch-over pause, where a loop over a 1 GiB guest's 4096 words, interpreted the first
 * time it runs, would cost milliseconds (the destination takes them back in bulk too:
 * {@code PostcopyArrival}). An empty bitmap is no chunk at all.
 */
public final class MissingMaps {
    private MissingMaps() {
    }

    /** The pages set in {@code pages}, as chunks of at most {@link MissingMap#MAX_WORDS} words. */
    public static List<MissingMap> of(DirtyBitmap pages) {
        return of(pages, arraysFor(pages.pageCount()));
    }

    /**
     * As {@link #of(DirtyBitmap)}, the words copied into {@code arrays} made ahead by
     * {@link #arraysFor}: the switch-over pause allocates no map, since an allocation there can
     * start a collection. The maps share those arrays until they are filled again.
     */
    public static List<MissingMap> of(DirtyBitmap pages, long[][] arrays) {
        List<MissingMap> chunks = new ArrayList<>(arrays.length);
        if (pages.isEmpty()) return chunks;
        int wordCount = pages.wordCount();
        if (arrays.length != (wordCount + MissingMap.MAX_WORDS - 1) / MissingMap.MAX_WORDS) {
            throw new IllegalArgumentException(arrays.length + " arrays for a bitmap of " + pages.pageCount() + " pages");
        }
        for (int i = 0; i < arrays.length; i++) {
            int firstWord = i * MissingMap.MAX_WORDS;
            pages.copyWords(firstWord, arrays[i]);
            chunks.add(new MissingMap((long) firstWord << 6, arrays[i]));
        }
        return chunks;
    }

    /** The arrays {@link #of(DirtyBitmap, long[][])} fills for a bitmap of {@code pageCount} pages. */
    public static long[][] arraysFor(long pageCount) {
        int wordCount = Math.toIntExact((pageCount + 63) >>> 6);
        long[][] arrays = new long[(wordCount + MissingMap.MAX_WORDS - 1) / MissingMap.MAX_WORDS][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new long[Math.min(MissingMap.MAX_WORDS, wordCount - i * MissingMap.MAX_WORDS)];
        }
        return arrays;
    }
}
