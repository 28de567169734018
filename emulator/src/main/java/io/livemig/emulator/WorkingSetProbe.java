package io.livemig.emulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One vCPU's half of the working-set measurement: at its safe points, while a window is open, it
 * records (CPU time since the window opened, pages it newly dirtied since then) each time its CPU
 * time passes the next of a fixed ladder of thresholds ({@link #THRESHOLDS_NANOS}: 16 us, then x
 * sqrt(2) up to about 4 s). Newly dirtied = found clean in the dirty log, so when the window opens
 * right after the log was cleared, the count is the number of distinct pages written since: a
 * point of W(tau). The window's start (the vCPU's CPU time and dirtied count) is read by the
 * sampler as it opens the window, not by the vCPU at its next safe point.
 *
 * <p>A clear is not instantaneous (a sync of a large guest takes milliseconds, more on a busy
 * host), so the sampler opens the window before it ({@link WorkingSetSampler#openWindowAndSync}):
 * a window opened after it would find the pages written meanwhile dirty and never count them, and a
 * guest that rewrites its whole working set within that gap would show none at all.
 *
 * <p>Nothing is added to the guest's write path: {@link VcpuContext} already counts the pages a
 * vCPU newly dirties. The cost is here, at the safe point: one volatile read per step when idle;
 * while recording, one {@code System.nanoTime()} per step, and a thread-CPU-time read (a system
 * call) only when the CPU time could have reached the next threshold (CPU time grows no faster
 * than wall time), so a few dozen reads per window.
 *
 * <p>Threads: {@link #arm} and {@link #read} are called by the sampler; {@link #atSafePoint} only by
 * the vCPU's own thread. The vCPU starts a window only after the sampler armed it, and the sampler
 * reads a window only before it arms the next, so the arrays of a window are never rewritten while
 * they are read; {@code count} publishes each new point.
 */
final class WorkingSetProbe {
    /** What the probe reads: wall time and the vCPU thread's own CPU time (read on that thread). */
    interface Clock {
        long wallNanos();

        long cpuNanos();
    }

    static final Clock THREAD_CLOCK = new Clock() {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        @Override
        public long wallNanos() { return System.nanoTime(); }

        @Override
        public long cpuNanos() { return threads.getCurrentThreadCpuTime(); }
    };

    static final long[] THRESHOLDS_NANOS = ladder(16_000, 37);
    /** The generation that means "no window". */
    static final long OFF = 0;

    private final VcpuContext context;
    private final Clock clock;
    private final long[] cpuNanos = new long[THRESHOLDS_NANOS.length];
    private final long[] pages = new long[THRESHOLDS_NANOS.length];

    private volatile long armed = OFF;
    private volatile long window = OFF;
    private volatile int count;
    // written by the sampler before it publishes a generation in armed
    private volatile long baseCpuNanos;
    private volatile long baseDirtied;

    // vCPU thread only
    private long myWindow = OFF;
    private int next = THRESHOLDS_NANOS.length;
    private long nextCheckWallNanos;

    WorkingSetProbe(VcpuContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    /**
     * Opens window {@code generation} ({@link #OFF}: stop) from the vCPU's CPU time and dirtied count
     * read now by the caller; the vCPU starts recording at its next safe point.
     */
    void arm(long generation, long baseCpuNanos) {
        this.baseCpuNanos = baseCpuNanos;
        this.baseDirtied = context.pagesDirtied();
        armed = generation; // last: the vCPU that sees the generation sees its bases
    }

    /** At a safe point, on the vCPU's thread. */
    void atSafePoint() {
        long requested = armed;
        if (requested != myWindow) {
            open(requested);
            return;
        }
        if (next >= THRESHOLDS_NANOS.length) return;
        long now = clock.wallNanos();
        if (now - nextCheckWallNanos < 0) return;
        long cpu = clock.cpuNanos() - baseCpuNanos;
        if (cpu >= THRESHOLDS_NANOS[next]) {
            int n = count;
            cpuNanos[n] = cpu;
            pages[n] = context.pagesDirtied() - baseDirtied;
            count = n + 1;
            while (next < THRESHOLDS_NANOS.length && THRESHOLDS_NANOS[next] <= cpu) next++;
            if (next >= THRESHOLDS_NANOS.length) return;
        }
        nextCheckWallNanos = now + (THRESHOLDS_NANOS[next] - cpu);
    }

    private void open(long generation) {
        myWindow = generation;
        count = 0;
        next = generation == OFF ? THRESHOLDS_NANOS.length : 0;
        nextCheckWallNanos = clock.wallNanos();
        window = generation; // last: a reader that sees the generation sees the reset count
    }

    /**
     * The points of window {@code generation} so far, closed by a final point at
     * {@code cpuNowNanos} (the vCPU thread's CPU time read by the caller, from any thread); null when
     * the window is not armed. A vCPU that has not reached a safe point since it was armed has only
     * the final point.
     */
    Points read(long generation, long cpuNowNanos) {
        if (generation == OFF || armed != generation) return null;
        int n = window == generation ? count : 0;
        long[] cpu = new long[n + 1];
        long[] dirtied = new long[n + 1];
        System.arraycopy(cpuNanos, 0, cpu, 0, n);
        System.arraycopy(pages, 0, dirtied, 0, n);
        long lastCpu = cpuNowNanos - baseCpuNanos;
        long lastPages = context.pagesDirtied() - baseDirtied;
        if (n > 0 && lastCpu <= cpu[n - 1]) {
            return new Points(java.util.Arrays.copyOf(cpu, n), java.util.Arrays.copyOf(dirtied, n));
        }
        cpu[n] = Math.max(0, lastCpu);
        dirtied[n] = Math.max(n > 0 ? dirtied[n - 1] : 0, lastPages);
        return new Points(cpu, dirtied);
    }

    /** One vCPU's measured points: CPU nanoseconds since the window opened, pages newly dirtied by then. */
    record Points(long[] cpuNanos, long[] pages) {
        long maxCpuNanos() { return cpuNanos.length == 0 ? 0 : cpuNanos[cpuNanos.length - 1]; }

        /** Linear between points, from (0, 0); flat past the last point (callers stay within it). */
        double pagesAt(double cpu) {
            double prevCpu = 0, prevPages = 0;
            for (int i = 0; i < cpuNanos.length; i++) {
                if (cpu <= cpuNanos[i]) {
                    double span = cpuNanos[i] - prevCpu;
                    return span <= 0 ? pages[i] : prevPages + (pages[i] - prevPages) * (cpu - prevCpu) / span;
                }
                prevCpu = cpuNanos[i];
                prevPages = pages[i];
            }
            return prevPages;
        }

        /**
         * The same points with their CPU time counted from {@code startNanos} on, the points before it
         * dropped: the pages counted by then stay counted, as dirtied in the first stretch.
         */
        Points since(long startNanos) {
            if (startNanos <= 0) return this;
            int first = 0;
            while (first < cpuNanos.length && cpuNanos[first] <= startNanos) first++;
            long[] cpu = java.util.Arrays.copyOfRange(cpuNanos, first, cpuNanos.length);
            for (int i = 0; i < cpu.length; i++) cpu[i] -= startNanos;
            return new Points(cpu, java.util.Arrays.copyOfRange(pages, first, pages.length));
        }
    }

    private static long[] ladder(long firstNanos, int steps) {
        long[] t = new long[steps];
        for (int k = 0; k < steps; k++) t[k] = Math.round(firstNanos * Math.pow(2, k / 2.0));
        return t;
    }
}
