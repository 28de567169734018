package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;

/**
 * {@code dirty-limit}: QEMU 8.1's per-vCPU dirty page rate limit. Once the auto-converge trigger
 * fires (bytes dirtied over {@code throttle-trigger-threshold} % of bytes sent, in two periods of
 * at least 1 s), each vCPU may newly dirty at most {@code vcpu-dirty-limit} bytes per second
 * (default 1 MiB/s). The scheduler counts each vCPU's own dirtying and makes a vCPU over its quota
 * sleep in proportion; a vCPU that only reads is not slowed.
 */
public final class DirtyLimitPolicy implements ConvergencePolicy {
    public static final String NAME = "dirty-limit";
    public static final long DEFAULT_VCPU_DIRTY_LIMIT_BYTES_PER_SEC = 1L << 20;

    private final DirtyRateTrigger trigger;
    private final long limitBytesPerSec;
    private boolean enabled;

    public DirtyLimitPolicy(int triggerThresholdPct, long limitBytesPerSec) {
        if (limitBytesPerSec <= 0) throw new IllegalArgumentException("vCPU dirty limit must be > 0 bytes/s");
        this.trigger = new DirtyRateTrigger(triggerThresholdPct);
        this.limitBytesPerSec = limitBytesPerSec;
    }

    public DirtyLimitPolicy() {
        this(AutoConvergePolicy.DEFAULT_TRIGGER_THRESHOLD_PCT, DEFAULT_VCPU_DIRTY_LIMIT_BYTES_PER_SEC);
    }

    @Override
    public String name() { return NAME; }

    public boolean isEnabled() { return enabled; }

    @Override
    public void afterRound(RoundFigures round, CpuScheduler scheduler) {
        if (!enabled && trigger.fires(round)) {
            enabled = true;
            scheduler.setDirtyLimitAll(Math.max(1, limitBytesPerSec / round.pageSize()));
        }
    }
}
