package io.livemig.emulator;

/**
 * Compiles the memory digest's code before a digest that counts. A fresh JVM's first
 * {@link GuestMemory#digest()} runs in the interpreter and the first compilers: 41 ms for 256 MiB
 * and 63-125 ms for 1 GiB on this project's machines, against 9-14 and 28-36 ms once compiled
 * (docs/estimate.md, session 14). A stop-and-copy digests the paused guest inside the downtime,
 * and a sample times the digest to predict that: both want the compiled code.
 */
public final class DigestWarmUp {
    /**
     * Pages the warm-up reads: as many per-page CRC calls as take the loop through the JIT's
     * thresholds (measured: a 64 MiB digest of 4 KiB pages, 16 384 calls, left the next digest at
     * its compiled speed; twice that for a margin).
     */
    static final int PAGES = 32_768;

    private static final Object LOCK = new Object();
    private static boolean done;

    private DigestWarmUp() {}

    /**
     * Digests up to {@link #PAGES} of {@code memory}'s pages, once per JVM, the result discarded; a
     * call while another thread warms up waits for it, later calls return at once.
     */
    public static void once(GuestMemory memory) {
        synchronized (LOCK) {
            if (done) return;
            memory.pageCrcs(new int[(int) Math.min(memory.pageCount(), PAGES)], GuestMemory.digestThreads());
            done = true;
        }
    }
}
