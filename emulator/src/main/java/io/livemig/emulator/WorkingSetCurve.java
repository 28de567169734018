package io.livemig.emulator;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The writable working-set curve W(tau) of a guest: the distinct pages it dirties while each of its
 * vCPUs gets {@code tau} nanoseconds of CPU time, measured at increasing tau. For a guest whose
 * dirtying follows its CPU (the workloads here) W is what a CPU cap controls: in a round of T
 * seconds at cap c, each vCPU gets c x T of CPU and the guest dirties about W(c x T) pages.
 *
 * <p>W rises like tau while the guest touches new pages and flattens once it rewrites pages it
 * already touched (a saturated, write-bound guest reaches its whole working set within
 * milliseconds). Between points the curve is linear; below the first point it is proportional to
 * tau; past the last it continues with the last segment's log-log slope (between 0 and 1: W is
 * concave), never above {@code limitPages}.
 *
 * @param cpuNanos   per-vCPU CPU time of each point, strictly increasing
 * @param pages      distinct pages dirtied by then (all vCPUs), non-decreasing
 * @param limitPages the guest's page count: no curve goes above it
 */
public record WorkingSetCurve(long[] cpuNanos, long[] pages, long limitPages) {
    public WorkingSetCurve {
        if (cpuNanos.length != pages.length) throw new IllegalArgumentException("points disagree in length");
        if (limitPages < 1) throw new IllegalArgumentException("limit must be >= 1 page");
        for (int i = 0; i < cpuNanos.length; i++) {
            if (cpuNanos[i] <= 0 || pages[i] < 0) throw new IllegalArgumentException("point " + i + " out of range");
            if (i > 0 && (cpuNanos[i] <= cpuNanos[i - 1] || pages[i] < pages[i - 1])) {
                throw new IllegalArgumentException("points must rise: point " + i);
            }
        }
        cpuNanos = cpuNanos.clone();
        pages = pages.clone();
    }

    /** A curve of nothing measured. */
    public static WorkingSetCurve empty(long limitPages) {
        return new WorkingSetCurve(new long[0], new long[0], limitPages);
    }

    /** The curve of a guest that dirties {@code pagesPerCpuSecond} new pages for ever (the linear model). */
    public static WorkingSetCurve linear(double pagesPerCpuSecond, long limitPages) {
        if (!(pagesPerCpuSecond > 0)) return empty(limitPages);
        // One point far out: proportional below it, and only as precise as a long of pages allows.
        long tauNanos = 1_000_000_000_000L;
        return new WorkingSetCurve(new long[]{tauNanos}, new long[]{Math.round(pagesPerCpuSecond * 1000)}, limitPages);
    }

    public boolean isEmpty() { return cpuNanos.length == 0; }

    public int size() { return cpuNanos.length; }

    /** The CPU time of the last measured point (0 if none). */
    public long maxCpuNanos() { return isEmpty() ? 0 : cpuNanos[cpuNanos.length - 1]; }

    /** W(tau): pages dirtied in {@code tauNanos} of CPU time per vCPU. */
    public double pagesAt(double tauNanos) {
        if (isEmpty()) throw new IllegalStateException("no working-set point measured");
        if (tauNanos <= 0) return 0;
        int n = cpuNanos.length;
        if (tauNanos <= cpuNanos[0]) return Math.min(limitPages, pages[0] * tauNanos / cpuNanos[0]);
        for (int i = 1; i < n; i++) {
            if (tauNanos <= cpuNanos[i]) {
                double f = (tauNanos - cpuNanos[i - 1]) / (cpuNanos[i] - cpuNanos[i - 1]);
                return Math.min(limitPages, pages[i - 1] + f * (pages[i] - pages[i - 1]));
            }
        }
        double slope = 1.0;
        if (n >= 2 && pages[n - 2] > 0) {
            slope = Math.log((double) pages[n - 1] / pages[n - 2]) / Math.log((double) cpuNanos[n - 1] / cpuNanos[n - 2]);
            slope = Math.max(0, Math.min(1, slope));
        }
        return Math.min(limitPages, pages[n - 1] * Math.pow(tauNanos / cpuNanos[n - 1], slope));
    }

    /**
     * The longest CPU time per vCPU in which the guest dirties at most {@code targetPages}: the
     * inverse of W (0 when even the first instant dirties more; infinite when W never gets there).
     */
    public double cpuNanosFor(double targetPages) {
        if (isEmpty()) throw new IllegalStateException("no working-set point measured");
        if (targetPages >= limitPages) return Double.POSITIVE_INFINITY;
        double lo = 0, hi = Math.max(1, maxCpuNanos());
        int doublings = 0;
        while (pagesAt(hi) <= targetPages) {
            if (++doublings > 60) return Double.POSITIVE_INFINITY;
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 80 && hi - lo > 1; i++) {
            double mid = (lo + hi) / 2;
            if (pagesAt(mid) <= targetPages) lo = mid; else hi = mid;
        }
        return lo;
    }

    /**
     * The upper envelope of this curve and {@code other}, each counted only within the CPU time it
     * was measured over (a round that gave each vCPU 2 ms of CPU says nothing about W(100 ms)); W
     * never falls.
     */
    public WorkingSetCurve max(WorkingSetCurve other) {
        if (other.isEmpty()) return this;
        if (isEmpty()) return other;
        TreeSet<Long> grid = new TreeSet<>();
        for (long t : cpuNanos) grid.add(t);
        for (long t : other.cpuNanos) grid.add(t);
        long[] t = new long[grid.size()];
        long[] p = new long[grid.size()];
        long floor = 0;
        int k = 0;
        for (long tau : grid) {
            double mine = tau <= maxCpuNanos() ? pagesAt(tau) : 0;
            double theirs = tau <= other.maxCpuNanos() ? other.pagesAt(tau) : 0;
            floor = Math.max(floor, Math.round(Math.max(mine, theirs)));
            t[k] = tau;
            p[k++] = floor;
        }
        return new WorkingSetCurve(t, p, Math.max(limitPages, other.limitPages));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkingSetCurve c && limitPages == c.limitPages
                && Arrays.equals(cpuNanos, c.cpuNanos) && Arrays.equals(pages, c.pages);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(cpuNanos) + Arrays.hashCode(pages) + Long.hashCode(limitPages);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("W(tau)[");
        for (int i = 0; i < cpuNanos.length; i++) {
            if (i > 0) s.append(", ");
            s.append(cpuNanos[i] / 1000).append("us:").append(pages[i]);
        }
        return s.append("]").toString();
    }
}
