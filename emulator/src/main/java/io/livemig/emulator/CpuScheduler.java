package io.livemig.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The lever of CPU-scheduling convergence: a CPU cap per vCPU, 0.1 % to 100 % of one core, and an
 * optional dirty-page-rate limit per vCPU. Caps are enforced by each vCPU at its safe points as a
 * duty cycle of its own thread CPU time over a period (default 10 ms, like QEMU's throttle
 * timeslice): see {@link Throttle}. Any thread may change a cap at any moment; the vCPU picks it
 * up at its next safe point.
 */
public final class CpuScheduler {
    public static final double MIN_CAP_PCT = 0.1;
    public static final double MAX_CAP_PCT = 100.0;
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(10);

    /** Caps in millionths of a core: 1_000_000 = 100 %, 1_000 = 0.1 %. */
    private final AtomicLongArray capPpm;
    /** Dirty-page rate limits in pages per second; 0 = unlimited. */
    private final AtomicLongArray dirtyLimitPagesPerSec;
    private volatile long periodNanos;
    private final long basePeriodNanos;

    public CpuScheduler(int vcpus, Duration period) {
        if (vcpus < 1) throw new IllegalArgumentException("need at least one vCPU");
        checkPeriod(period);
        this.capPpm = new AtomicLongArray(vcpus);
        this.dirtyLimitPagesPerSec = new AtomicLongArray(vcpus);
        this.periodNanos = period.toNanos();
        this.basePeriodNanos = periodNanos;
        for (int i = 0; i < vcpus; i++) capPpm.set(i, 1_000_000);
    }

    public CpuScheduler(int vcpus) {
        this(vcpus, DEFAULT_PERIOD);
    }

    public int vcpus() { return capPpm.length(); }

    public long periodNanos() { return periodNanos; }

    /**
     * Changes the duty-cycle period (0.1 ms .. 2 s). QEMU's auto-converge runs a vCPU 10 ms and
     * then sleeps, so the period it implies grows with the throttle; a policy can mimic that.
     */
    public void setPeriod(Duration period) {
        checkPeriod(period);
        periodNanos = period.toNanos();
    }

    private static void checkPeriod(Duration period) {
        if (period.toNanos() < 100_000 || period.toNanos() > 2_000_000_000L) {
            throw new IllegalArgumentException("scheduler period must be 0.1 ms .. 2 s, got " + period);
        }
    }

    /** Sets one vCPU's cap in percent of a core, clamped to [0.1, 100]. */
    public void setCap(int vcpu, double capPct) {
        capPpm.set(vcpu, toPpm(capPct));
    }

    /** Sets every vCPU's cap. */
    public void setCapAll(double capPct) {
        long ppm = toPpm(capPct);
        for (int i = 0; i < capPpm.length(); i++) capPpm.set(i, ppm);
    }

    public double capPct(int vcpu) { return capPpm.get(vcpu) / 10_000.0; }

    /** The lowest cap of any vCPU, in percent. */
    public double minCapPct() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < capPpm.length(); i++) min = Math.min(min, capPpm.get(i));
        return min / 10_000.0;
    }

    long capPpm(int vcpu) { return capPpm.get(vcpu); }

    /** Limits one vCPU's rate of newly dirtied pages; 0 lifts the limit. */
    public void setDirtyLimit(int vcpu, long pagesPerSecond) {
        if (pagesPerSecond < 0) throw new IllegalArgumentException("dirty limit must be >= 0");
        dirtyLimitPagesPerSec.set(vcpu, pagesPerSecond);
    }

    public void setDirtyLimitAll(long pagesPerSecond) {
        for (int i = 0; i < dirtyLimitPagesPerSec.length(); i++) setDirtyLimit(i, pagesPerSecond);
    }

    public long dirtyLimit(int vcpu) { return dirtyLimitPagesPerSec.get(vcpu); }

    /** Lifts every cap and limit and restores the configured period: full speed. */
    public void unthrottle() {
        periodNanos = basePeriodNanos;
        setCapAll(MAX_CAP_PCT);
        setDirtyLimitAll(0);
    }

    public boolean isThrottled() {
        for (int i = 0; i < capPpm.length(); i++) {
            if (capPpm.get(i) < 1_000_000 || dirtyLimitPagesPerSec.get(i) > 0) return true;
        }
        return false;
    }

    private static long toPpm(double capPct) {
        if (Double.isNaN(capPct)) throw new IllegalArgumentException("cap is NaN");
        double clamped = Math.max(MIN_CAP_PCT, Math.min(MAX_CAP_PCT, capPct));
        return Math.round(clamped * 10_000.0);
    }
}
