package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;

/**
 * Decides, after each pre-copy round, how much CPU the guest's vCPUs may use. The source calls
 * {@link #start} once with the stop rule's budget, {@link #afterRound} once per round with that
 * round's figures and the guest's scheduler, and {@link #finish} when the migration ends, however
 * it ends. {@link #verdict()} says, at any moment, what the policy expects of the rest of pre-copy.
 */
public interface ConvergencePolicy {
    /** The name users give with {@code --policy}. */
    String name();

    /** Before round 0: the limits within which pre-copy will run (policies that plan need them). */
    default void start(StopBudget budget) {
    }

    /** Reads the round's figures and may change caps or dirty limits on {@code scheduler}. */
    void afterRound(RoundFigures round, CpuScheduler scheduler);

    /**
     * What the policy expects of the rest of pre-copy, as of its last round: {@code infeasible} when
     * it predicts that the downtime limit cannot be met within the budget. Policies that do not plan
     * say {@link PlanVerdict#UNKNOWN}. Read by other code (a hybrid migration) on the source's thread.
     */
    default PlanVerdict verdict() {
        return PlanVerdict.UNKNOWN;
    }

    /** The migration completed or failed: the guest gets its full CPU back. */
    default void finish(CpuScheduler scheduler) {
        scheduler.unthrottle();
    }
}
