package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;

import java.time.Duration;

/**
 * {@code auto-converge}: QEMU's CPU throttling, as users know it.
 *
 * <p>Over periods of at least 1 s, a period counts when the bytes dirtied in it exceed
 * {@code throttle-trigger-threshold} (50) % of the bytes sent in it; on every second counted
 * period the throttle rises: first to {@code throttle-initial} (20 %), then by
 * {@code throttle-increment} (10 %) up to {@code max-throttle} (99 %). Throttle t % means each
 * vCPU runs 10 ms and then sleeps t/(1-t) x 10 ms, as QEMU does: a cap of (100 - t) % over a
 * period of 10 ms / (1 - t).
 *
 * <p>Tail-slow ({@code throttle-tailslow}, off by default): past the initial step, the increment is
 * min(increment, cpu_now - cpu_ideal) where cpu_ideal = cpu_now x threshold/dirtied, so the
 * throttle creeps up only as far as the measured excess asks.
 */
public final class AutoConvergePolicy implements ConvergencePolicy {
    public static final String NAME = "auto-converge";
    public static final int DEFAULT_TRIGGER_THRESHOLD_PCT = 50;
    public static final int DEFAULT_INITIAL_PCT = 20;
    public static final int DEFAULT_INCREMENT_PCT = 10;
    public static final int DEFAULT_MAX_PCT = 99;
    static final long RUN_SLICE_NANOS = 10_000_000L;

    private final DirtyRateTrigger trigger;
    private final int initialPct;
    private final int incrementPct;
    private final int maxPct;
    private final boolean tailSlow;
    private double throttlePct;

    public AutoConvergePolicy(int triggerThresholdPct, int initialPct, int incrementPct, int maxPct, boolean tailSlow) {
        if (initialPct < 1 || initialPct > 99) throw new IllegalArgumentException("throttle initial must be 1..99 %, got " + initialPct);
        if (incrementPct < 1 || incrementPct > 99) throw new IllegalArgumentException("throttle increment must be 1..99 %, got " + incrementPct);
        if (maxPct < initialPct || maxPct > 99) throw new IllegalArgumentException("max throttle must be " + initialPct + "..99 %, got " + maxPct);
        this.trigger = new DirtyRateTrigger(triggerThresholdPct);
        this.initialPct = initialPct;
        this.incrementPct = incrementPct;
        this.maxPct = maxPct;
        this.tailSlow = tailSlow;
    }

    public AutoConvergePolicy() {
        this(DEFAULT_TRIGGER_THRESHOLD_PCT, DEFAULT_INITIAL_PCT, DEFAULT_INCREMENT_PCT, DEFAULT_MAX_PCT, false);
    }

    @Override
    public String name() { return NAME; }

    /** The current throttle in percent (0 = not throttled). */
    public double throttlePct() { return throttlePct; }

    @Override
    public void afterRound(RoundFigures round, CpuScheduler scheduler) {
        if (!trigger.fires(round)) return;
        throttlePct = nextThrottle();
        double runShare = 1 - throttlePct / 100.0;
        scheduler.setPeriod(Duration.ofNanos(Math.min(2_000_000_000L, Math.round(RUN_SLICE_NANOS / runShare))));
        scheduler.setCapAll(100 - throttlePct);
    }

    private double nextThrottle() {
        if (throttlePct == 0) return initialPct;
        double increment = incrementPct;
        if (tailSlow) {
            double cpuNow = 100 - throttlePct;
            double cpuIdeal = cpuNow * trigger.lastThresholdToDirtiedRatio();
            increment = Math.max(0, Math.min(incrementPct, cpuNow - cpuIdeal));
        }
        return Math.min(maxPct, throttlePct + increment);
    }
}
