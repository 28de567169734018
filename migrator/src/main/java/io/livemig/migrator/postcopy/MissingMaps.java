package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * A page bitmap as {@link MissingMap} chunks for the wire, and back, in bulk copies of whole words:
 * both run in the switch-over pause, where a loop over a 1 GiB guest's 4096 words, interpreted
 * the first time it runs, would cost milliseconds. An empty bitmap is no chunk at all.
 */
public final class MissingMaps {
    private MissingMaps() {
    }

    /** The pages set in {@code pages}, as chunks of at most {@link MissingMap#MAX_WORDS} words. */
    public static List<MissingMap> of(DirtyBitmap pages) {
        List<MissingMap> chunks = new ArrayList<>();
        if (pages.isEmpty()) return chunks;
        int wordCount = pages.wordCount();
        for (int firstWord = 0; firstWord < wordCount; firstWord += MissingMap.MAX_WORDS) {
            long[] chunk = new long[Math.min(MissingMap.MAX_WORDS, wordCount - firstWord)];
            pages.copyWords(firstWord, chunk);
            chunks.add(new MissingMap((long) firstWord << 6, chunk));
        }
        return chunks;
    }

    /**
     * Adds a chunk's pages to {@code into}.
     *
     * @return the pages it marked that {@code into} did not have yet
     * @throws ProtocolException if it marks a page past the guest's end
     */
    public static long addTo(MissingMap map, DirtyBitmap into) {
        long[] words = map.words();
        int first = (int) (map.firstPage() >>> 6);
        int last = first + words.length - 1;
        if (last >= into.wordCount()) {
            throw new ProtocolException("missing map covers page " + (((long) last << 6) + 63) + " of a guest with " + into.pageCount() + " pages");
        }
        long pastEnd = ((long) last << 6) + 63 - Long.numberOfLeadingZeros(words[words.length - 1]);
        if (words[words.length - 1] != 0 && pastEnd >= into.pageCount()) {
            throw new ProtocolException("missing map marks page " + pastEnd + " of a guest with " + into.pageCount() + " pages");
        }
        return into.orWords(first, words);
    }
}
