package io.livemig.migrator.policy;

import java.util.List;

/**
 * Every policy parameter with its default, and the one place that turns a policy name into a
 * policy. Defaults are the named constants of each policy.
 */
public record PolicySettings(int convergenceRounds, double minCapPct, int throttleTriggerThresholdPct,
                             int throttleInitialPct, int throttleIncrementPct, int maxThrottlePct,
                             boolean throttleTailslow, long vcpuDirtyLimitBytesPerSec, CpuModel cpuModel) {

    /** Settings with the default CPU model. */
    public PolicySettings(int convergenceRounds, double minCapPct, int throttleTriggerThresholdPct,
                          int throttleInitialPct, int throttleIncrementPct, int maxThrottlePct,
                          boolean throttleTailslow, long vcpuDirtyLimitBytesPerSec) {
        this(convergenceRounds, minCapPct, throttleTriggerThresholdPct, throttleInitialPct, throttleIncrementPct,
                maxThrottlePct, throttleTailslow, vcpuDirtyLimitBytesPerSec, CpuSchedulingPolicy.DEFAULT_CPU_MODEL);
    }

    public PolicySettings withCpuModel(CpuModel model) {
        return new PolicySettings(convergenceRounds, minCapPct, throttleTriggerThresholdPct, throttleInitialPct,
                throttleIncrementPct, maxThrottlePct, throttleTailslow, vcpuDirtyLimitBytesPerSec, model);
    }

    public static final List<String> NAMES = List.of(NoConvergencePolicy.NAME, CpuSchedulingPolicy.NAME,
            AutoConvergePolicy.NAME, DirtyLimitPolicy.NAME);

    public static PolicySettings defaults() {
        return new PolicySettings(CpuSchedulingPolicy.DEFAULT_CONVERGENCE_ROUNDS, CpuSchedulingPolicy.DEFAULT_MIN_CAP_PCT,
                AutoConvergePolicy.DEFAULT_TRIGGER_THRESHOLD_PCT, AutoConvergePolicy.DEFAULT_INITIAL_PCT,
                AutoConvergePolicy.DEFAULT_INCREMENT_PCT, AutoConvergePolicy.DEFAULT_MAX_PCT, false,
                DirtyLimitPolicy.DEFAULT_VCPU_DIRTY_LIMIT_BYTES_PER_SEC);
    }

    /** A fresh policy (policies keep per-migration state) for {@code name}. */
    public ConvergencePolicy create(String name) {
        return switch (name) {
            case NoConvergencePolicy.NAME -> new NoConvergencePolicy();
            case CpuSchedulingPolicy.NAME -> new CpuSchedulingPolicy(convergenceRounds, minCapPct, cpuModel);
            case AutoConvergePolicy.NAME -> new AutoConvergePolicy(throttleTriggerThresholdPct, throttleInitialPct,
                    throttleIncrementPct, maxThrottlePct, throttleTailslow);
            case DirtyLimitPolicy.NAME -> new DirtyLimitPolicy(throttleTriggerThresholdPct, vcpuDirtyLimitBytesPerSec);
            default -> throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
