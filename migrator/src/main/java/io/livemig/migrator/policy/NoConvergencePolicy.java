package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;

/** {@code none}: original pre-copy. The guest always runs at full speed. */
public final class NoConvergencePolicy implements ConvergencePolicy {
    public static final String NAME = "none";

    @Override
    public String name() { return NAME; }

    @Override
    public void afterRound(RoundFigures round, CpuScheduler scheduler) {
        // Never throttles: this is the baseline the other policies are measured against.
    }
}
