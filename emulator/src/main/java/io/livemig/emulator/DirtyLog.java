package io.livemig.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Write tracking: one byte per guest page, set by the guest after it writes, taken and cleared
 * by the migrator.
 *
 * <p>The ordering rule (like KVM's dirty log): the guest's data store comes before its mark, and
 * the mark is a release store; {@link #syncAndClear} clears flags with an atomic exchange (a full
 * fence) before the migrator reads any page. A page written during a round is then either read
 * with its new data, or marked again after the clear and sent in the next round: no update is
 * lost. The mark is unconditional (no test-then-set): a writer that skipped the store because the
 * flag was already set could have its data store still buffered when the migrator clears the flag
 * and copies the page.
 *
 * <p>The syncer clears eight flags at once with an 8-byte exchange over the same bytes the writers
 * store to; x86 keeps such mixed-size accesses coherent, and the stress test checks it.
 */
public final class DirtyLog {
    private static final VarHandle FLAG = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long pageCount;
    private final byte[] flags;
    private volatile boolean enabled = true;

    DirtyLog(long pageCount) {
        if (pageCount <= 0 || pageCount > Integer.MAX_VALUE - 64L) {
            throw new IllegalArgumentException("page count out of range: " + pageCount);
        }
        this.pageCount = pageCount;
        // Rounded up to whole 8-byte words so the syncer never needs a tail loop.
        this.flags = new byte[(int) ((pageCount + 7) & ~7L)];
    }

    public long pageCount() { return pageCount; }

    /** Marks a page written. Called after the data store; a release store, so the data is visible first. */
    public void mark(long page) {
        if (enabled) {
            FLAG.setRelease(flags, (int) page, (byte) 1);
        }
    }

    /**
     * Starts a fresh log: every flag cleared, marking on. The migrator enables the log before it
     * sends round 0, so every write after that point shows up in a later sync.
     */
    public void enable() {
        enabled = true;
        clearAll();
    }

    /** Stops marking; pending flags stay until the next {@link #enable()} or sync. */
    public void disable() {
        enabled = false;
    }

    public boolean isEnabled() { return enabled; }

    /** Marks every page (e.g. to force a full resend). */
    public void markAll() {
        Arrays.fill(flags, 0, (int) pageCount, (byte) 1);
        VarHandle.fullFence();
    }

    /**
     * Atomically takes the set of dirty pages into {@code into} (cleared first) and clears them here.
     *
     * @return the number of dirty pages taken
     */
    public long syncAndClear(DirtyBitmap into) {
        into.clear();
        return syncAndAdd(into);
    }

    /**
     * Like {@link #syncAndClear} but adds to {@code into} instead of replacing it: the final sync
     * of a stop-and-copy adds to the pages the last round left.
     *
     * @return the number of pages in {@code into} afterwards
     */
    public long syncAndAdd(DirtyBitmap into) {
        if (into.pageCount() != pageCount) {
            throw new IllegalArgumentException("bitmap for " + into.pageCount() + " pages, log has " + pageCount);
        }
        // Eight flags to eight bits at once, 64 pages to a bitmap word: page by page, the sync of a
        // wholly dirty 1 GiB guest took 5-7 ms of a hybrid switch-over's pause.
        for (int offset = 0; offset < flags.length; offset += 64) {
            long bits = 0;
            int end = Math.min(flags.length, offset + 64);
            for (int at = offset; at < end; at += 8) {
                if ((long) WORD.getOpaque(flags, at) == 0) continue;
                bits |= nonZeroBytes((long) WORD.getAndSet(flags, at, 0L)) << (at - offset);
            }
            if (bits != 0) into.orWord(offset >>> 6, bits);
        }
        return into.cardinality();
    }

    /** Bit i set where byte i of {@code word} (little-endian) is not zero. */
    static long nonZeroBytes(long word) {
        long t = word | (word >>> 4); // each byte's low bit becomes the OR of its own eight
        t |= t >>> 2;
        t |= t >>> 1;
        t &= 0x0101010101010101L;
        return (t * 0x0102040810204080L) >>> 56; // gathers the eight low bits into the top byte
    }

    /** Counts dirty pages without clearing them (approximate while writers run). */
    public long countDirty() {
        long count = 0;
        for (int offset = 0; offset < flags.length; offset += 8) {
            long word = (long) WORD.getOpaque(flags, offset);
            if (word != 0) count += Long.bitCount(word);
        }
        return count;
    }

    public boolean isDirty(long page) {
        if (page < 0 || page >= pageCount) throw new IndexOutOfBoundsException("page " + page + " of " + pageCount);
        return (byte) FLAG.getAcquire(flags, (int) page) != 0;
    }

    /** A plain read, for the vCPU's own attribution count: a stale answer only skews that count. */
    boolean isDirtyPlain(long page) {
        return page >= 0 && page < pageCount && flags[(int) page] != 0;
    }

    /**
     * Clears every flag, marking stays as it is. Plain stores, then a fence: a write that races the
     * clear may be cleared with it, as it may be with an exchange that reaches its flag just after it;
     * the callers count such writes as made before the clear (a window on a clean log; round 0, which
     * sends every page after it). With an exchange per 8 flags, a running sequential writer passed
     * 8 000 pages and more of a 254 MiB guest while the clear ran.
     */
    void clearAll() {
        Arrays.fill(flags, (byte) 0);
        VarHandle.fullFence();
    }
}
