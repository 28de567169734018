package io.livemig.migrator.cli;

import io.livemig.migrator.policy.AutoConvergePolicy;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.CpuModel;
import io.livemig.migrator.policy.CpuSchedulingPolicy;
import io.livemig.migrator.policy.PolicySettings;
import picocli.CommandLine.Option;

/** {@code --policy} and every policy parameter, with the policies' own defaults. */
final class PolicyOptions {
    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "none",
            description = "Convergence policy: none, cpu-scheduling, auto-converge, dirty-limit, or auto (source only: the cost model samples the guest during --migrate-after and picks the policy and mode that meet the downtime limit with the least work lost: pre-copy if it can, else hybrid, switching after round 0 if that is what it takes; see docs/estimate.md) (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--convergence-rounds", paramLabel = "N", defaultValue = "" + CpuSchedulingPolicy.DEFAULT_CONVERGENCE_ROUNDS,
            description = "cpu-scheduling: reach the downtime target within N rounds of throttling (default: ${DEFAULT-VALUE}).")
    int convergenceRounds;

    @Option(names = "--min-cap", paramLabel = "PCT", defaultValue = "" + CpuSchedulingPolicy.DEFAULT_MIN_CAP_PCT,
            description = "cpu-scheduling: lowest CPU cap it may set, %% of a core (default: ${DEFAULT-VALUE}).")
    double minCapPct;

    @Option(names = "--cpu-model", paramLabel = "MODEL", defaultValue = "working-set", converter = Converters.Model.class,
            description = "cpu-scheduling: how a cap's effect is predicted: linear (the paper: dirty rate proportional to CPU share) or working-set (the measured pages dirtied per CPU time, W(tau)) (default: ${DEFAULT-VALUE}; choices: linear, working-set).")
    CpuModel cpuModel;

    @Option(names = "--throttle-trigger-threshold", paramLabel = "PCT", defaultValue = "" + AutoConvergePolicy.DEFAULT_TRIGGER_THRESHOLD_PCT,
            description = "auto-converge, dirty-limit: a period counts when bytes dirtied exceed PCT %% of bytes sent (default: ${DEFAULT-VALUE}).")
    int triggerThresholdPct;

    @Option(names = "--throttle-initial", paramLabel = "PCT", defaultValue = "" + AutoConvergePolicy.DEFAULT_INITIAL_PCT,
            description = "auto-converge: first throttle step (default: ${DEFAULT-VALUE}).")
    int throttleInitialPct;

    @Option(names = "--throttle-increment", paramLabel = "PCT", defaultValue = "" + AutoConvergePolicy.DEFAULT_INCREMENT_PCT,
            description = "auto-converge: later throttle steps (default: ${DEFAULT-VALUE}).")
    int throttleIncrementPct;

    @Option(names = "--max-throttle", paramLabel = "PCT", defaultValue = "" + AutoConvergePolicy.DEFAULT_MAX_PCT,
            description = "auto-converge: highest throttle (default: ${DEFAULT-VALUE}).")
    int maxThrottlePct;

    @Option(names = "--throttle-tailslow", description = "auto-converge: QEMU's tail-slow increments.")
    boolean throttleTailslow;

    @Option(names = "--vcpu-dirty-limit", paramLabel = "RATE", converter = Converters.Rate.class, defaultValue = "1m",
            description = "dirty-limit: bytes per second each vCPU may dirty once triggered, above 0 (default: ${DEFAULT-VALUE}).")
    long vcpuDirtyLimit;

    PolicySettings settings() {
        if (vcpuDirtyLimit <= 0) {
            throw new UsageException("--vcpu-dirty-limit must be a rate above 0: 0 or unlimited would not limit dirtying "
                    + "(for no throttling at all use --policy none)");
        }
        return new PolicySettings(convergenceRounds, minCapPct, triggerThresholdPct, throttleInitialPct,
                throttleIncrementPct, maxThrottlePct, throttleTailslow, vcpuDirtyLimit, cpuModel);
    }

    ConvergencePolicy create() {
        return settings().create(policy);
    }
}
