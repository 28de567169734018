package io.livemig.migrator.estimate;

import java.util.Arrays;

/**
 * W(tau) from measured points: linear between them, proportional below the first, and past the
 * last continued with the last segment's log-log slope (clamped to [0, 1]: W is concave), never
 * above {@code limitPages}.
 *
 * @param cpuNanos   per-vCPU CPU time of each point, strictly increasing, > 0
 * @param pages      distinct pages dirtied by then, non-decreasing
 * @param limitPages the guest's page count
 */
public record MeasuredCurve(long[] cpuNanos, long[] pages, long limitPages) implements DirtyCurve {
    public MeasuredCurve {
        if (cpuNanos.length != pages.length || cpuNanos.length == 0) throw new IllegalArgumentException("need matching points");
        for (int i = 0; i < cpuNanos.length; i++) {
            if (cpuNanos[i] <= 0 || pages[i] < 0) throw new IllegalArgumentException("point " + i + " out of range");
            if (i > 0 && (cpuNanos[i] <= cpuNanos[i - 1] || pages[i] < pages[i - 1])) {
                throw new IllegalArgumentException("points must rise: point " + i);
            }
        }
        cpuNanos = cpuNanos.clone();
        pages = pages.clone();
    }

    @Override
    public double pagesAt(double tau) {
        if (tau <= 0) return 0;
        int n = cpuNanos.length;
        if (tau <= cpuNanos[0]) return Math.min(limitPages, pages[0] * tau / cpuNanos[0]);
        for (int i = 1; i < n; i++) {
            if (tau <= cpuNanos[i]) {
                double f = (tau - cpuNanos[i - 1]) / (cpuNanos[i] - cpuNanos[i - 1]);
                return Math.min(limitPages, pages[i - 1] + f * (pages[i] - pages[i - 1]));
            }
        }
        double slope = 1;
        if (n >= 2 && pages[n - 2] > 0) {
            slope = Math.log((double) pages[n - 1] / pages[n - 2]) / Math.log((double) cpuNanos[n - 1] / cpuNanos[n - 2]);
            slope = Math.max(0, Math.min(1, slope));
        }
        return Math.min(limitPages, pages[n - 1] * Math.pow(tau / cpuNanos[n - 1], slope));
    }

    /** The last point's CPU time: the curve is measured up to here, extrapolated beyond. */
    public long maxCpuNanos() {
        return cpuNanos[cpuNanos.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeasuredCurve c && limitPages == c.limitPages && Arrays.equals(cpuNanos, c.cpuNanos)
                && Arrays.equals(pages, c.pages);
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
        return s.append(']').toString();
    }
}
