package io.livemig.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * Measures a guest's writable working-set curve W(tau) ({@link WorkingSetCurve}) over windows of
 * CPU time. A window opens as the dirty log is cleared: during a migration, with each round's sync
 * ({@link #openWindowAndSync}), so each round measures W from 16 us up to the CPU time its vCPUs got
 * in the round; before a migration, {@link #measure} clears the log itself.
 *
 * <p>Each vCPU records its own points ({@link WorkingSetProbe}); the curve adds the vCPUs' pages at
 * the same per-vCPU CPU time, over the range every vCPU reached. Pages are counted by the vCPU that
 * first dirtied them, so the sum counts distinct pages.
 *
 * <p>One user at a time (the methods are synchronized); while a migration runs, the migrator is
 * that user.
 */
public final class WorkingSetSampler {
    private final List<WorkingSetProbe> probes;
    private final IntToLongFunction vcpuCpuNanos;
    private final long pageCount;
    private long generation;
    private boolean open;
    /** Each vCPU's CPU time when the window was armed, and how much of it passed before the log was clean. */
    private final long[] armedCpuNanos;
    private final long[] startNanos;

    /**
     * @param probes       one per vCPU, in vCPU order
     * @param vcpuCpuNanos the CPU time of vCPU i's thread, read from any thread
     */
    WorkingSetSampler(List<WorkingSetProbe> probes, IntToLongFunction vcpuCpuNanos, long pageCount) {
        this.probes = List.copyOf(probes);
        this.vcpuCpuNanos = vcpuCpuNanos;
        this.pageCount = pageCount;
        this.armedCpuNanos = new long[probes.size()];
        this.startNanos = new long[probes.size()];
    }

    /**
     * Starts a new window; call it right after the dirty log was cleared (a round's sync clears it),
     * so that the pages the vCPUs newly dirty from here on are the distinct pages they write.
     */
    public synchronized void openWindow() {
        generation++;
        open = true;
        for (int i = 0; i < probes.size(); i++) {
            armedCpuNanos[i] = vcpuCpuNanos.applyAsLong(i);
            startNanos[i] = 0;
            probes.get(i).arm(generation, armedCpuNanos[i]);
        }
    }

    /**
     * The log is clean from here: W counts each vCPU's CPU time, and the pages it newly dirties, from
     * now rather than from the arming before the clear or the sync. While those pass over the flags, a
     * running vCPU writes pages they have not reached yet, which count nothing: charged to the window,
     * that CPU made the curve start slow, the more so the longer the clearing thread waited for a core
     * (the running 254 MiB sequential writer's W(1 ms) read 14 000 to 63 000 pages from one window to
     * the next, and a throttle plan that believed a slow start chose a cap several times too high).
     * The pages counted meanwhile stay counted: after a round's sync they are in the next round's set
     * whatever the cap, as they were dirtied at the old one.
     */
    private void cleanFromHere() {
        for (int i = 0; i < probes.size(); i++) startNanos[i] = Math.max(0, vcpuCpuNanos.applyAsLong(i) - armedCpuNanos[i]);
    }

    /**
     * A round's sync with the next window opened just before it: the dirty pages are added to
     * {@code into} and cleared in the log, and W counts from here. A page a vCPU writes before the
     * sync clears its flag finds it dirty and counts nothing; its first write after counts once. Only
     * a page that was clean, and that a vCPU first writes while the sync passes over it, counts twice:
     * few pages in the microseconds a sync takes. Opened after the sync instead, a vCPU that rewrites
     * its working set within the sync and the opening (a sequential writer passes 28 MiB in under a
     * millisecond, and the migrator's thread can be descheduled in between) finds every page dirty
     * again and counts nothing for the whole round: a curve of zeros, which a throttle plan believes.
     *
     * @return the number of pages in {@code into} afterwards
     */
    public synchronized long openWindowAndSync(DirtyLog log, DirtyBitmap into) {
        openWindow();
        long pages = log.syncAndAdd(into);
        cleanFromHere();
        return pages;
    }

    /**
     * Enables {@code log} with every page clean and opens a window on it. Every page is marked, then
     * the window opens, then the log is cleared: a write before the clear finds its page dirty and
     * counts nothing, and the page's first write after it counts once, however long the caller is
     * descheduled in between (a plain clear-then-open loses the pages written in the gap).
     */
    public synchronized void openWindowOnCleanLog(DirtyLog log) {
        log.enable();
        log.markAll();
        openWindow();
        log.clearAll();
        cleanFromHere();
    }

    /** Ends any window: the vCPUs stop recording. */
    public synchronized void stop() {
        open = false;
        for (WorkingSetProbe p : probes) p.arm(WorkingSetProbe.OFF, 0);
    }

    /**
     * W(tau) of the current window so far. Empty when no window is open or some vCPU has had no
     * CPU time in it yet (a curve without it would undercount).
     */
    public synchronized WorkingSetCurve curve() {
        if (!open) return WorkingSetCurve.empty(pageCount);
        List<WorkingSetProbe.Points> all = new ArrayList<>(probes.size());
        long commonMax = Long.MAX_VALUE;
        for (int i = 0; i < probes.size(); i++) {
            WorkingSetProbe.Points read = probes.get(i).read(generation, vcpuCpuNanos.applyAsLong(i));
            WorkingSetProbe.Points points = read == null ? null : read.since(startNanos[i]);
            if (points == null || points.maxCpuNanos() <= 0) return WorkingSetCurve.empty(pageCount);
            all.add(points);
            commonMax = Math.min(commonMax, points.maxCpuNanos());
        }
        return sum(all, commonMax);
    }

    /**
     * Before a migration (never during one: it clears the dirty log): measures W(tau) over one
     * window that lasts until every vCPU had {@code cpuNanos} of CPU time, or {@code maxWait} passed.
     */
    public WorkingSetCurve measure(DirtyLog log, long cpuNanos, Duration maxWait) throws InterruptedException {
        openWindowOnCleanLog(log);
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            WorkingSetCurve curve = curve();
            while (curve.maxCpuNanos() < cpuNanos && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
                curve = curve();
            }
            return curve;
        } finally {
            stop();
        }
    }

    /** The vCPUs' pages added at every vCPU's points within {@code maxCpu}, and at {@code maxCpu} itself. */
    private WorkingSetCurve sum(List<WorkingSetProbe.Points> all, long maxCpu) {
        java.util.TreeSet<Long> grid = new java.util.TreeSet<>();
        for (WorkingSetProbe.Points points : all) {
            for (long t : points.cpuNanos()) if (t > 0 && t < maxCpu) grid.add(t);
        }
        grid.add(maxCpu);
        long[] t = new long[grid.size()];
        long[] p = new long[grid.size()];
        long previous = 0;
        int k = 0;
        for (long tau : grid) {
            double pages = 0;
            for (WorkingSetProbe.Points points : all) pages += points.pagesAt(tau);
            previous = Math.max(previous, Math.min(pageCount, Math.round(pages)));
            t[k] = tau;
            p[k++] = previous;
        }
        return new WorkingSetCurve(t, p, pageCount);
    }
}
