package io.livemig.migrator.estimate;

/**
 * What the model knows of the guest, as sampled before a migration.
 *
 * @param memoryBytes       guest memory
 * @param pageSize          bytes per page
 * @param vcpus             vCPUs
 * @param nonZeroPages      pages holding data at the end of the sample (round 0 skips all-zero pages)
 * @param nonZeroPagesPerS  how fast pages were turning from all-zero to data while sampled (a guest
 *                          still filling its memory has more to send by the time round 0 starts)
 * @param dirtyCurve        W(tau): distinct pages dirtied per CPU time of each vCPU
 * @param cpuShare          the share of a core each vCPU gets uncapped on this host (0..1]: a busy
 *                          host gives less than a core, and the dirtying follows the CPU it gets
 * @param hostShare         the share of a core a vCPU got of the time it wanted one (0..1]: the
 *                          CPU share with the time it spent halted in its idle loop left out, so a
 *                          busy host is not mistaken for an idle guest; the migration's own threads
 *                          get about this much, and its fixed costs stretch by its inverse
 * @param digestBytesPerS   how fast the source digests its paused memory (the stop-and-copy waits
 *                          for it when the digests are compared before the resume); 0 = not measured
 * @param zeroScanBytesPerS how fast round 0 tells an all-zero page from a page with data
 * @param pagesPerStep      pages one step of a vCPU newly dirties from a clean log (a vCPU over its
 *                          dirty limit still runs one step per sleep); 0 = not measured
 * @param fillWindowNanos   the wall time between the two scans that measured {@code nonZeroPagesPerS};
 *                          0 = not known (the growth is then taken as linear)
 * @param leadNanos         the wall time from the end of the sample to the start of the migration
 *                          predicted: 0 for {@code estimate}; for {@code source --predict}, the baseline
 *                          window it measures in between (a filling guest goes on filling meanwhile)
 */
public record GuestProfile(long memoryBytes, int pageSize, int vcpus, long nonZeroPages, double nonZeroPagesPerS, DirtyCurve dirtyCurve,
                           double cpuShare, double hostShare, double digestBytesPerS, double zeroScanBytesPerS, double pagesPerStep,
                           double fillWindowNanos, double leadNanos) {
    public GuestProfile {
        if (memoryBytes <= 0 || pageSize <= 0 || memoryBytes % pageSize != 0) {
            throw new IllegalArgumentException("memory must be a positive whole number of pages");
        }
        if (vcpus < 1) throw new IllegalArgumentException("vcpus must be >= 1");
        if (nonZeroPages < 0 || nonZeroPages > memoryBytes / pageSize) throw new IllegalArgumentException("non-zero pages out of range");
        if (!(nonZeroPagesPerS >= 0)) throw new IllegalArgumentException("non-zero growth must be >= 0");
        if (dirtyCurve == null) throw new IllegalArgumentException("a dirty curve is required");
        if (!(cpuShare > 0 && cpuShare <= 1)) throw new IllegalArgumentException("cpu share must be in (0, 1], got " + cpuShare);
        if (!(hostShare > 0 && hostShare <= 1)) throw new IllegalArgumentException("host share must be in (0, 1], got " + hostShare);
        if (!(digestBytesPerS >= 0) || !(zeroScanBytesPerS > 0)) throw new IllegalArgumentException("rates must be positive");
        if (!(pagesPerStep >= 0)) throw new IllegalArgumentException("pages per step must be >= 0");
        if (!(fillWindowNanos >= 0)) throw new IllegalArgumentException("fill window must be >= 0");
        if (!(leadNanos >= 0)) throw new IllegalArgumentException("lead must be >= 0");
    }

    /** A guest that never halts, whose growth window was not recorded. */
    public GuestProfile(long memoryBytes, int pageSize, int vcpus, long nonZeroPages, double nonZeroPagesPerS, DirtyCurve dirtyCurve,
                        double cpuShare, double digestBytesPerS, double zeroScanBytesPerS, double pagesPerStep) {
        this(memoryBytes, pageSize, vcpus, nonZeroPages, nonZeroPagesPerS, dirtyCurve, cpuShare, cpuShare, digestBytesPerS,
                zeroScanBytesPerS, pagesPerStep, 0, 0);
    }

    /** A guest that never halts, whose steps were not measured. */
    public GuestProfile(long memoryBytes, int pageSize, int vcpus, long nonZeroPages, double nonZeroPagesPerS, DirtyCurve dirtyCurve,
                        double cpuShare, double digestBytesPerS, double zeroScanBytesPerS) {
        this(memoryBytes, pageSize, vcpus, nonZeroPages, nonZeroPagesPerS, dirtyCurve, cpuShare, digestBytesPerS, zeroScanBytesPerS, 0);
    }

    public long pageCount() {
        return memoryBytes / pageSize;
    }

    /**
     * Pages holding data {@code nanos} after the migration started ({@link #leadNanos} after the
     * sample ended): the growth seen while sampling, but never more than the guest can dirty in
     * that time, nor more than its memory.
     */
    public double nonZeroPagesAfter(double sinceStartNanos) {
        double nanos = leadNanos + sinceStartNanos;
        double growth = Math.min(nonZeroPagesPerS * nanos / 1e9, pagesDirtiedIn(nanos, 100));
        return Math.min(pageCount(), nonZeroPages + Math.min(growth, fillingAlongItsCurve(nanos)));
    }

    /**
     * The pages that turn to data in {@code nanos} for a guest that fills its memory as it dirties it:
     * its data pages grow along its own W(tau), and the growth the two scans saw places it on that
     * curve (at the CPU time t1 where W(t1 + window) - W(t1) = the growth seen), so the growth slows
     * as W flattens. Unbounded when nothing places it (no window, no growth, or faster than W).
     *
     * <p>It is never placed further along than the pages that hold data: W(t1 + window) is at most
     * those; where W grows faster than the scans saw even there, it is there. A short sample of a
     * random writer reads as a straight line, extrapolated up to the guest's memory, where it
     * flattens; placed there, the paper's 16 MiB/s writer, 5 % of its memory filled, was predicted
     * to fill no more, and its bytes at half of the measured 40-50 MiB.
     */
    double fillingAlongItsCurve(double nanos) {
        double filled = nonZeroPagesPerS * fillWindowNanos / 1e9;
        double window = cpuNanosIn(fillWindowNanos, 100);
        if (filled <= 0 || window <= 0 || dirtyCurve.pagesAt(window) < filled) return Double.POSITIVE_INFINITY;
        double filledBy = dirtyCurve.cpuNanosFor(nonZeroPages, FILL_HORIZON_CPU_NANOS);
        double lo = 0;
        double hi = Math.max(0, filledBy - window);
        if (grownFrom(hi, window) > filled) {
            if (filledBy >= FILL_HORIZON_CPU_NANOS) return Double.POSITIVE_INFINITY;
            return grownFrom(hi + window, cpuNanosIn(nanos, 100)); // as far along as its data allows
        }
        for (int i = 0; i < 100 && hi - lo > 1000; i++) {
            double mid = (lo + hi) / 2;
            if (grownFrom(mid, window) > filled) lo = mid; else hi = mid;
        }
        return grownFrom(lo + window, cpuNanosIn(nanos, 100));
    }

    /** The pages W(tau) gains from {@code cpuNanos} over {@code moreCpuNanos} more. */
    private double grownFrom(double cpuNanos, double moreCpuNanos) {
        return Math.max(0, dirtyCurve.pagesAt(cpuNanos + moreCpuNanos) - dirtyCurve.pagesAt(cpuNanos));
    }

    /** How far along its curve a filling guest is looked for: ten minutes of CPU. */
    private static final double FILL_HORIZON_CPU_NANOS = 600e9;

    /** The share of pages that are all zero at the end of the sample (0..1). */
    public double zeroPageShare() {
        return 1 - (double) nonZeroPages / pageCount();
    }

    /** The same guest given {@code share} of a core per vCPU (e.g. while the migration's own threads compete for the cores). */
    public GuestProfile withCpuShare(double share) {
        return new GuestProfile(memoryBytes, pageSize, vcpus, nonZeroPages, nonZeroPagesPerS, dirtyCurve, share, hostShare,
                digestBytesPerS, zeroScanBytesPerS, pagesPerStep, fillWindowNanos, leadNanos);
    }

    /** The same guest, migrated {@code nanos} after its sample ended. */
    public GuestProfile startingAfter(double nanos) {
        return new GuestProfile(memoryBytes, pageSize, vcpus, nonZeroPages, nonZeroPagesPerS, dirtyCurve, cpuShare, hostShare,
                digestBytesPerS, zeroScanBytesPerS, pagesPerStep, fillWindowNanos, nanos);
    }

    /**
     * The pages per second a vCPU over a dirty limit of {@code limitPagesPerS} still dirties: the
     * limiter sleeps it at most {@code maxSleepNanos}, then lets it run one step, and its debt stays.
     */
    public double dirtyLimitedRate(double limitPagesPerS, long maxSleepNanos) {
        return Math.max(limitPagesPerS, pagesPerStep * 1e9 / maxSleepNanos);
    }

    /** Pages dirtied in {@code wallNanos} of wall time at CPU cap {@code capPct}. */
    public double pagesDirtiedIn(double wallNanos, double capPct) {
        return Math.min(pageCount(), dirtyCurve.pagesAt(cpuNanosIn(wallNanos, capPct)));
    }

    /** CPU time each vCPU gets in {@code wallNanos} at cap {@code capPct}. */
    public double cpuNanosIn(double wallNanos, double capPct) {
        return Math.max(0, wallNanos) * cpuShare * Math.min(100, capPct) / 100;
    }
}
