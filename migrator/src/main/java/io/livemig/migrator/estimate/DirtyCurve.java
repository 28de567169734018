package io.livemig.migrator.estimate;

/**
 * W(tau): the distinct pages a guest dirties while each of its vCPUs gets {@code tau} nanoseconds
 * of CPU time, starting from a clean dirty log. For the CPU-bound guests here this is what a round
 * leaves to send: a round of T seconds at cap c, on a host that gives each vCPU a share s of a core,
 * leaves W(s x c x T) dirty pages. The emulator measures it ({@code WorkingSetCurve}); tests script it.
 *
 * <p>A curve must be non-decreasing in tau and 0 at 0.
 */
@FunctionalInterface
public interface DirtyCurve {
    /** Pages dirtied in {@code cpuNanosPerVcpu} of CPU time per vCPU. */
    double pagesAt(double cpuNanosPerVcpu);

    /** A guest that dirties {@code pagesPerCpuSecond} new pages per second of CPU, up to {@code limitPages}. */
    static DirtyCurve linear(double pagesPerCpuSecond, long limitPages) {
        if (!(pagesPerCpuSecond >= 0)) throw new IllegalArgumentException("rate must be >= 0");
        return tau -> tau <= 0 ? 0 : Math.min(limitPages, pagesPerCpuSecond * tau / 1e9);
    }

    /**
     * A guest writing at random across a working set of {@code workingSetPages}, {@code writesPerCpuSecond}
     * page writes per CPU second: W = wss x (1 - exp(-writes / wss)), the expected number of distinct pages hit.
     */
    static DirtyCurve randomWrites(double writesPerCpuSecond, long workingSetPages) {
        if (!(writesPerCpuSecond >= 0) || workingSetPages < 1) throw new IllegalArgumentException("rate >= 0 and a working set of >= 1 page");
        return tau -> tau <= 0 ? 0 : workingSetPages * -Math.expm1(-writesPerCpuSecond * tau / 1e9 / workingSetPages);
    }

    /**
     * The inverse: the longest CPU time per vCPU in which the guest dirties at most {@code pages}
     * (bisection, within {@code maxNanos}; {@code maxNanos} when W never gets there).
     */
    default double cpuNanosFor(double pages, double maxNanos) {
        if (pages <= 0) return 0;
        if (pagesAt(maxNanos) <= pages) return maxNanos;
        double lo = 0;
        double hi = maxNanos;
        for (int i = 0; i < 100 && hi - lo > 1; i++) {
            double mid = (lo + hi) / 2;
            if (pagesAt(mid) <= pages) lo = mid; else hi = mid;
        }
        return lo;
    }
}
