package io.livemig.migrator.estimate;

import java.util.Arrays;

/**
 * W(tau) from measured points: linear between them and proportional below the first. Past the
 * last point, where a long round needs it, the curve goes on as whichever of two shapes fits the
 * points of the last three octaves of tau better (least squares on log W): a guest writing at
 * random over a working set (W = A (1 - exp(-tau / T)), which flattens at A) or a power law
 * (W = c tau^k, k in [0, 1], a skewed guest whose cold tail keeps growing). Only the tail is fitted:
 * below it a random writer's W grows as tau (its writes rarely meet a page twice yet), those points
 * say nothing of where it flattens, and their few-page counts outweigh the tail on a log scale
 * (the paper's 64 MiB random writer, sampled for 0.75 s, was extrapolated to 24 000-33 000 pages at
 * 2 s fitted on all points, 16 300-16 900 on the tail). Where the region the guest writes in is
 * known and the window saw only the straight start of its curve, a random writer over that region
 * replaces the fit ({@link #onRegion}). The extrapolation is scaled to pass through the last point,
 * and never exceeds {@code limitPages}.
 */
public final class MeasuredCurve implements DirtyCurve {
    private final long[] cpuNanos;
    private final long[] pages;
    private final long limitPages;
    private final Shape beyond;

    /**
     * @param cpuNanos   per-vCPU CPU time of each point, strictly increasing, > 0
     * @param pages      distinct pages dirtied by then, non-decreasing
     * @param limitPages the guest's page count
     */
    public MeasuredCurve(long[] cpuNanos, long[] pages, long limitPages) {
        this(cpuNanos, pages, limitPages, null);
    }

    /** {@code beyond} null: fitted to the points. */
    private MeasuredCurve(long[] cpuNanos, long[] pages, long limitPages, Shape beyond) {
        if (cpuNanos.length != pages.length || cpuNanos.length == 0) throw new IllegalArgumentException("need matching points");
        for (int i = 0; i < cpuNanos.length; i++) {
            if (cpuNanos[i] <= 0 || pages[i] < 0) throw new IllegalArgumentException("point " + i + " out of range");
            if (i > 0 && (cpuNanos[i] <= cpuNanos[i - 1] || pages[i] < pages[i - 1])) {
                throw new IllegalArgumentException("points must rise: point " + i);
            }
        }
        this.cpuNanos = cpuNanos.clone();
        this.pages = pages.clone();
        this.limitPages = limitPages;
        this.beyond = beyond != null ? beyond : Shape.fit(this.cpuNanos, this.pages);
    }

    /** The same points, the curve never above {@code pages} (nor below its last point, nor above the guest's page count). */
    public MeasuredCurve withLimit(long pages) {
        long limit = Math.max(this.pages[this.pages.length - 1], Math.min(limitPages, pages));
        return new MeasuredCurve(cpuNanos, this.pages, limit, beyond);
    }

    /**
     * The same points; past them, a guest writing at random over {@code regionPages} (W flattens
     * there, and passes through the last point) in place of the fitted shape. A window short against
     * the time the guest takes to cover its region shows too little of the bend to place it: the
     * paper's 16 and 32 MiB/s writers over 64 MiB, sampled for 0.4 s, were fitted to flatten anywhere
     * from 8 300 pages to the guest's whole memory. Never below the last point, nor above the limit.
     */
    public MeasuredCurve onRegion(long regionPages) {
        long last = lastPages();
        long region = Math.max(last + 1, Math.min(limitPages, regionPages));
        double t = last <= 0 ? maxCpuNanos() : -maxCpuNanos() / Math.log1p(-last / (double) region);
        return new MeasuredCurve(cpuNanos, pages, region, new Shape(true, region, t));
    }

    /** The distinct pages dirtied over the whole window: the last point's. */
    public long lastPages() {
        return pages[pages.length - 1];
    }

    public long[] cpuNanos() { return cpuNanos.clone(); }

    public long[] pages() { return pages.clone(); }

    public long limitPages() { return limitPages; }

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
        double last = pages[n - 1];
        double scale = beyond.at(cpuNanos[n - 1]);
        return Math.min(limitPages, scale <= 0 ? last : Math.max(last, last * beyond.at(tau) / scale));
    }

    /** The last point's CPU time: the curve is measured up to here, extrapolated beyond. */
    public long maxCpuNanos() {
        return cpuNanos[cpuNanos.length - 1];
    }

    /** The shape past the last point: saturating ("A=... T=...") or power law ("k=..."). */
    public String extrapolation() {
        return beyond.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeasuredCurve c && limitPages == c.limitPages && Arrays.equals(cpuNanos, c.cpuNanos)
                && Arrays.equals(pages, c.pages) && beyond.equals(c.beyond);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(cpuNanos) + Arrays.hashCode(pages) + Long.hashCode(limitPages) + beyond.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("W(tau)[");
        for (int i = 0; i < cpuNanos.length; i++) {
            if (i > 0) s.append(", ");
            s.append(cpuNanos[i] / 1000).append("us:").append(pages[i]);
        }
        return s.append("] then ").append(beyond).toString();
    }

    /** A curve shape fitted to the points, used only for its growth past the last one. */
    private record Shape(boolean saturating, double a, double t) {
        double at(double tau) {
            return saturating ? a * -Math.expm1(-tau / t) : a * Math.pow(tau, t);
        }

        @Override
        public String toString() {
            return saturating ? String.format(java.util.Locale.ROOT, "saturating at %.0f pages (T=%.1f ms)", a, t / 1e6)
                    : String.format(java.util.Locale.ROOT, "power law k=%.2f", t);
        }

        /** The tail that is fitted: the points of tau >= the last's / 8 (with at least {@link #MIN_TAIL_POINTS}). */
        static final int TAIL_OCTAVES = 3;
        static final int MIN_TAIL_POINTS = 3;

        static Shape fit(long[] tau, long[] w) {
            int n = tau.length;
            int from = 0;
            while (from < n && w[from] == 0) from++;
            if (n - from < 2) return new Shape(false, 1, 1);   // too little to fit: grow as fast as time
            long tailStart = tau[n - 1] >> TAIL_OCTAVES;
            while (from < n - MIN_TAIL_POINTS && tau[from] < tailStart) from++;
            Shape power = powerLaw(tau, w, from);
            Shape saturating = saturating(tau, w, from);
            return residual(saturating, tau, w, from) < residual(power, tau, w, from) ? saturating : power;
        }

        /** log W = log c + k log tau, least squares, k clamped to [0, 1]. */
        private static Shape powerLaw(long[] tau, long[] w, int from) {
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            int m = 0;
            for (int i = from; i < tau.length; i++) {
                double x = Math.log(tau[i]);
                double y = Math.log(w[i]);
                sx += x; sy += y; sxx += x * x; sxy += x * y; m++;
            }
            double denominator = m * sxx - sx * sx;
            double k = denominator == 0 ? 1 : (m * sxy - sx * sy) / denominator;
            k = Math.max(0, Math.min(1, k));
            double logC = (sy - k * sx) / m;
            return new Shape(false, Math.exp(logC), k);
        }

        /** W = A (1 - exp(-tau/T)): T on a log grid, refined around the best, A by least squares for each. */
        private static Shape saturating(long[] tau, long[] w, int from) {
            Shape best = bestOnGrid(tau, w, from, tau[from] / 10.0, tau[tau.length - 1] * 1e3, 1.25);
            return bestOnGrid(tau, w, from, best.t() / 1.25, best.t() * 1.25, 1.005);
        }

        private static Shape bestOnGrid(long[] tau, long[] w, int from, double tFrom, double tTo, double step) {
            Shape best = null;
            double bestResidual = Double.POSITIVE_INFINITY;
            for (double t = tFrom; t <= tTo; t *= step) {
                double num = 0, den = 0;
                for (int i = from; i < tau.length; i++) {
                    double f = -Math.expm1(-tau[i] / t);
                    num += w[i] * f;
                    den += f * f;
                }
                Shape s = new Shape(true, num / den, t);
                double r = residual(s, tau, w, from);
                if (r < bestResidual) {
                    bestResidual = r;
                    best = s;
                }
            }
            return best;
        }

        private static double residual(Shape s, long[] tau, long[] w, int from) {
            double sum = 0;
            for (int i = from; i < tau.length; i++) {
                double d = Math.log(Math.max(1e-9, s.at(tau[i]))) - Math.log(w[i]);
                sum += d * d;
            }
            return sum;
        }
    }
}
