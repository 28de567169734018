package io.livemig.migrator.migration;

import io.livemig.migrator.policy.PlanVerdict;
import io.livemig.migrator.stats.RoundStats;

/** Progress of a migration, for whoever shows it (CLI lines, a progress bar, the demo). */
public interface MigrationListener {
    MigrationListener SILENT = new MigrationListener() {};

    /** A phase began: "setup", "pre-copy", "stop-and-copy", "handover", or "post-copy" (instead of the last two). */
    default void phase(String phase) {}

    /** A round ended; {@code remainingDirtyBytes} is what the next round must send. */
    default void round(RoundStats round, long remainingDirtyBytes) {}

    /** The policy said, for the first time, that the downtime limit cannot be met within the budget. */
    default void infeasible(PlanVerdict verdict) {}

    /** Within a round, after each batch: pages sent so far of the pages this round must send. */
    default void sending(int round, long pagesSent, long pagesToSend) {}
}
