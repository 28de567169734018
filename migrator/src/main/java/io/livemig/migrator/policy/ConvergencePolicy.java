package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;

/**
 * Decides, after each pre-copy round, how much CPU the guest's vCPUs may use. The source calls
 * {@link #afterRound} once per round with that round's figures and the guest's scheduler, and
 * {@link #finish} when the migration ends, however it ends.
 */
public interface ConvergencePolicy {
    /** The name users give with {@code --policy}. */
    String name();

    /** Reads the round's figures and may change caps or dirty limits on {@code scheduler}. */
    void afterRound(RoundFigures round, CpuScheduler scheduler);

    /** The migration completed or failed: the guest gets its full CPU back. */
    default void finish(CpuScheduler scheduler) {
        scheduler.unthrottle();
    }
}
