package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source's set of pages the destination still lacks and nobody has sent yet, one bit per
 * page, shared by the pusher and the request server. {@link #claim} clears a page's bit atomically
 * and says whether it was set, so the push never sends a page an answer already sent, and each
 * page is pushed at most once in the life of a link.
 */
public final class PagesToSend {
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    private final long pageCount;
    private final long[] words;
    private final AtomicLong remaining = new AtomicLong();

    public PagesToSend(long pageCount) {
        if (pageCount <= 0 || pageCount > Integer.MAX_VALUE - 64L) throw new IllegalArgumentException("page count " + pageCount);
        this.pageCount = pageCount;
        this.words = new long[(int) ((pageCount + 63) >>> 6)];
    }

    public long pageCount() { return pageCount; }

    /** Replaces the set with {@code pages}; not concurrent with claims (the pusher and server are stopped). */
    public void reset(DirtyBitmap pages) {
        if (pages.pageCount() != pageCount) throw new IllegalArgumentException("bitmap of " + pages.pageCount() + " pages, not " + pageCount);
        long count = 0;
        for (int w = 0; w < words.length; w++) {
            words[w] = pages.word(w);
            count += Long.bitCount(words[w]);
        }
        remaining.set(count);
        VarHandle.releaseFence();
    }

    /** Clears the set before {@link #add}ing the chunks of a map. */
    public void clear() {
        java.util.Arrays.fill(words, 0L);
        remaining.set(0);
    }

    /**
     * Adds the pages a map chunk marks; not concurrent with claims.
     *
     * @throws IllegalArgumentException if the chunk reaches past the guest's pages
     */
    public long add(MissingMap map) {
        if (map.firstPage() + map.coveredPages() > ((long) words.length << 6)) {
            throw new IllegalArgumentException("missing map " + map.firstPage() + "+" + map.coveredPages()
                    + " reaches past the guest's " + pageCount + " pages");
        }
        long[] chunk = map.words();
        int first = (int) (map.firstPage() >>> 6);
        long added = 0;
        for (int i = 0; i < chunk.length; i++) {
            long fresh = chunk[i] & ~words[first + i];
            if (first + i == words.length - 1 && (pageCount & 63) != 0) fresh &= (1L << pageCount) - 1; // no page past the end
            words[first + i] |= fresh;
            added += Long.bitCount(fresh);
        }
        remaining.addAndGet(added);
        return added;
    }

    /** True if {@code page} was still to send; it is not any more. */
    public boolean claim(long page) {
        if (page < 0 || page >= pageCount) throw new IndexOutOfBoundsException("page " + page + " of " + pageCount);
        long bit = 1L << page;
        long before = (long) WORD.getAndBitwiseAnd(words, (int) (page >>> 6), ~bit);
        if ((before & bit) == 0) return false;
        remaining.decrementAndGet();
        return true;
    }

    public boolean contains(long page) {
        return ((long) WORD.getOpaque(words, (int) (page >>> 6)) & (1L << page)) != 0;
    }

    /** The first page at or after {@code from} still to send, wrapping around to page 0; -1 if none is left. */
    public long nextToSend(long from) {
        if (remaining.get() == 0) return -1;
        long start = from < 0 || from >= pageCount ? 0 : from;
        long found = scan(start, pageCount);
        return found >= 0 ? found : scan(0, start);
    }

    private long scan(long from, long to) {
        if (from >= to) return -1;
        int w = (int) (from >>> 6);
        long word = (long) WORD.getOpaque(words, w) & (-1L << from);
        while (true) {
            if (word != 0) {
                long page = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return page < to ? page : -1;
            }
            if (++w >= words.length || ((long) w << 6) >= to) return -1;
            word = (long) WORD.getOpaque(words, w);
        }
    }

    /** Pages still to send. */
    public long remaining() { return remaining.get(); }

    public boolean isEmpty() { return remaining.get() == 0; }
}
