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

    /** The pages set in {@code pages}, as chunks of at most {@link MissingMap#MAX_WORDS} words. */
    public static List<MissingMap> of(DirtyBitmap pages) {
        List<MissingMap> chunks = new ArrayList<>();
        long wordCount = (pages.pageCount() + 63) >>> 6;
        for (long firstWord = 0; firstWord < wordCount; firstWord += MissingMap.MAX_WORDS) {
            int words = (int) Math.min(MissingMap.MAX_WORDS, wordCount - firstWord);
            long firstPage = firstWord << 6;
            long next = pages.nextSetPage(firstPage);
            if (next < 0) break;
            if (next >= firstPage + ((long) words << 6)) continue;
            long[] chunk = new long[words];
            long end = Math.min(pages.pageCount(), firstPage + ((long) words << 6));
            for (long page = next; page >= 0 && page < end; page = pages.nextSetPage(page + 1)) {
                long offset = page - firstPage;
                chunk[(int) (offset >>> 6)] |= 1L << offset;
            }
            chunks.add(new MissingMap(firstPage, chunk));
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
        long marked = 0;
        for (long offset = 0; offset < map.coveredPages(); offset++) {
            if (!map.isMissing(offset)) continue;
            long page = map.firstPage() + offset;
            if (page >= into.pageCount()) {
                throw new ProtocolException("missing map marks page " + page + " of a guest with " + into.pageCount() + " pages");
            }
            into.set(page);
            marked++;
        }
        return marked;
    }
}
