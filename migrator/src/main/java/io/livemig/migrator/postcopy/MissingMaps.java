package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/** A page bitmap as {@link MissingMap} chunks for the wire, and back. Chunks with no page set are left out. */
public final class MissingMaps {
    private MissingMaps() {
    }

    /** The pages set in {@code pages}, as chunks of at most {@link MissingMap#MAX_WORDS} words, copied word by word. */
    public static List<MissingMap> of(DirtyBitmap pages) {
        List<MissingMap> chunks = new ArrayList<>();
        int wordCount = pages.wordCount();
        for (int firstWord = 0; firstWord < wordCount; firstWord += MissingMap.MAX_WORDS) {
            int words = Math.min(MissingMap.MAX_WORDS, wordCount - firstWord);
            long[] chunk = new long[words];
            boolean any = false;
            for (int i = 0; i < words; i++) {
                chunk[i] = pages.word(firstWord + i);
                any |= chunk[i] != 0;
            }
            if (any) chunks.add(new MissingMap((long) firstWord << 6, chunk));
        }
        return chunks;
    }

    /**
     * Adds a chunk's pages to {@code into}.
     *
     * @return the pages the chunk marks
     * @throws ProtocolException if it marks a page past the guest's end
     */
    public static long addTo(MissingMap map, DirtyBitmap into) {
        long[] words = map.words();
        int first = (int) (map.firstPage() >>> 6);
        long marked = 0;
        for (int i = 0; i < words.length; i++) {
            if (words[i] == 0) continue;
            int w = first + i;
            long lastPage = ((long) w << 6) + 63 - Long.numberOfLeadingZeros(words[i]);
            if (w >= into.wordCount() || lastPage >= into.pageCount()) {
                throw new ProtocolException("missing map marks page " + lastPage + " of a guest with " + into.pageCount() + " pages");
            }
            marked += Long.bitCount(words[i]);
            into.orWord(w, words[i]);
        }
        return marked;
    }
}
