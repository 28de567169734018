package io.livemig.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The lever of CPU-scheduling convergence: a CPU cap per vCPU, 0.01 % to 100 % of one core, and an
 * optional dirty-page-rate limit per vCPU. Caps are enforced by each vCPU at its safe points as a
 * duty cycle of its own thread CPU time over a period (default 10 ms, like QEMU's throttle
 * timeslice): see {@link Throttle}. At low caps the period stretches so that one burst
 * (cap x period) stays at least {@link #MIN_BURST_NANOS}: a thread's own wake-up costs it tens of
 * microseconds of CPU, which would otherwise eat the whole budget of a 0.01 % cap.
 *
 * <p>{@link #setMaxSleep} bounds any single throttle sleep (the migrator sets it to the downtime
 * limit while a policy throttles): a guest that sleeps for seconds in one piece just before the
 * pause sees an application downtime of those seconds. After a bounded sleep the vCPU runs at least
 * one step, so a guest's heartbeat never stops for longer than the bound; at the lowest caps that
 * can cost more CPU than the cap grants. The longest sleep actually taken is kept
 * ({@link #longestSleepNanos}). A vCPU asleep when a setting changes wakes and applies it.
 *
 * <p>Any thread may change a cap at any moment; the vCPU picks it up at its next safe point.
 */
public final class CpuScheduler {
    public static final double MIN_CAP_PCT = 0.01;
    public static final double MAX_CAP_PCT = 100.0;
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(10);
    /** The shortest burst a capped vCPU runs: several times the 40-46 us a wake-up costs here. */
    public static final long MIN_BURST_NANOS = 200_000L;
    /** A sleep is never longer than this, bound or not (the longest stretched period is 2 s). */
    static final long LONGEST_SLEEP_NANOS = 4_000_000_000L;
    /**
     * The longest single sleep of a vCPU over its dirty limit; it then runs one step before the next
     * check, and its debt stays: a limited vCPU still dirties one step's pages per this much time.
     */
    public static final long MAX_DIRTY_LIMIT_SLEEP_NANOS = 50_000_000L;

    /** Caps in millionths of a core: 1_000_000 = 100 %, 100 = 0.01 %. */
    private final AtomicLongArray capPpm;
    /** Dirty-page rate limits in pages per second; 0 = unlimited. */
    private final AtomicLongArray dirtyLimitPagesPerSec;
    /** The longest single throttle sleep of each vCPU since the last reset, in nanoseconds. */
    private final AtomicLongArray longestSleepNanos;
    /** Throttle sleeps of each vCPU so far. */
    private final AtomicLongArray sleeps;
    private volatile long periodNanos;
    private final long basePeriodNanos;
    private volatile long maxSleepNanos = LONGEST_SLEEP_NANOS;
    /** Bumped by every change of a setting, so that a sleeping vCPU wakes to apply it. */
    private final AtomicLong settingsVersion = new AtomicLong();
    private volatile Runnable wakeVcpus = () -> { };

    public CpuScheduler(int vcpus, Duration period) {
        if (vcpus < 1) throw new IllegalArgumentException("need at least one vCPU");
        checkPeriod(period);
        this.capPpm = new AtomicLongArray(vcpus);
        this.dirtyLimitPagesPerSec = new AtomicLongArray(vcpus);
        this.longestSleepNanos = new AtomicLongArray(vcpus);
        this.sleeps = new AtomicLongArray(vcpus);
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
        if (periodNanos != period.toNanos()) {
            periodNanos = period.toNanos();
            changed();
        }
    }

    /**
     * The period a vCPU at {@code capPpm} runs on: the configured one, stretched at low caps so that a
     * burst is at least {@link #MIN_BURST_NANOS} (0.1 % -> 200 ms, 0.01 % -> 2 s).
     */
    long effectivePeriodNanos(long capPpm) {
        long stretched = MIN_BURST_NANOS * 1_000_000L / Math.max(1, capPpm);
        return Math.max(periodNanos, stretched);
    }

    /** The duty-cycle period a vCPU capped at {@code capPct} runs on now. */
    public long periodNanosAtCap(double capPct) {
        return effectivePeriodNanos(toPpm(capPct));
    }

    /**
     * Bounds every single throttle sleep to {@code maxSleep} (at least 1 ms); the vCPU runs a step
     * between two sleeps. {@link #unthrottle()} lifts the bound.
     */
    public void setMaxSleep(Duration maxSleep) {
        long nanos = maxSleep.toNanos();
        if (nanos < 1_000_000L) throw new IllegalArgumentException("max throttle sleep must be >= 1 ms, got " + maxSleep);
        long bound = Math.min(nanos, LONGEST_SLEEP_NANOS);
        if (maxSleepNanos != bound) {
            maxSleepNanos = bound;
            changed();
        }
    }

    /** The bound on one throttle sleep, in nanoseconds ({@link #LONGEST_SLEEP_NANOS} when none was set). */
    public long maxSleepNanos() { return maxSleepNanos; }

    /** The longest single throttle sleep any vCPU took since the last {@link #resetLongestSleep()}. */
    public long longestSleepNanos() {
        long max = 0;
        for (int i = 0; i < longestSleepNanos.length(); i++) max = Math.max(max, longestSleepNanos.get(i));
        return max;
    }

    public void resetLongestSleep() {
        for (int i = 0; i < longestSleepNanos.length(); i++) longestSleepNanos.set(i, 0);
    }

    /** Throttle sleeps {@code vcpu} has taken since the VM booted. */
    public long sleepsOf(int vcpu) { return sleeps.get(vcpu); }

    /** Called by a vCPU after each throttle sleep (rare: two atomics cost nothing here). */
    void recordSleep(int vcpu, long sleptNanos) {
        longestSleepNanos.accumulateAndGet(vcpu, sleptNanos, Math::max);
        sleeps.incrementAndGet(vcpu);
    }

    private static void checkPeriod(Duration period) {
        if (period.toNanos() < 100_000 || period.toNanos() > 2_000_000_000L) {
            throw new IllegalArgumentException("scheduler period must be 0.1 ms .. 2 s, got " + period);
        }
    }

    /** Sets one vCPU's cap in percent of a core, clamped to [0.01, 100]. */
    public void setCap(int vcpu, double capPct) {
        long ppm = toPpm(capPct);
        if (capPpm.getAndSet(vcpu, ppm) != ppm) changed();
    }

    /** Sets every vCPU's cap. */
    public void setCapAll(double capPct) {
        long ppm = toPpm(capPct);
        boolean change = false;
        for (int i = 0; i < capPpm.length(); i++) change |= capPpm.getAndSet(i, ppm) != ppm;
        if (change) changed();
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
        if (dirtyLimitPagesPerSec.getAndSet(vcpu, pagesPerSecond) != pagesPerSecond) changed();
    }

    public void setDirtyLimitAll(long pagesPerSecond) {
        for (int i = 0; i < dirtyLimitPagesPerSec.length(); i++) setDirtyLimit(i, pagesPerSecond);
    }

    public long dirtyLimit(int vcpu) { return dirtyLimitPagesPerSec.get(vcpu); }

    /** Lifts every cap, limit and sleep bound and restores the configured period: full speed. */
    public void unthrottle() {
        periodNanos = basePeriodNanos;
        maxSleepNanos = LONGEST_SLEEP_NANOS;
        setCapAll(MAX_CAP_PCT);
        setDirtyLimitAll(0);
        changed();
    }

    /** A counter that every change of a setting bumps. */
    long settingsVersion() { return settingsVersion.get(); }

    /** The VM's way to wake its vCPUs from a throttle sleep when a setting changes. */
    void onChange(Runnable wakeVcpus) {
        this.wakeVcpus = wakeVcpus;
    }

    private void changed() {
        settingsVersion.incrementAndGet();
        wakeVcpus.run();
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
