package io.livemig.migrator.migration;

import io.livemig.migrator.policy.PlanVerdict;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.stats.Convergence;
import io.livemig.migrator.stats.StopReason;

import java.util.Locale;

/**
 * The {@code convergence} verdict of a migration, kept round by round. {@code converged} when the
 * stop rule stopped because the dirty set fit the downtime limit. {@code infeasible} otherwise:
 * with the reason and predicted downtime the policy gave the first time it said so (a planning
 * policy says it as early as round 0), or, when no policy said so, with the stop rule's reason
 * (max-rounds or max-volume; in hybrid mode the switch to post-copy and its reason) and the
 * stop-and-copy the last round left.
 */
final class ConvergenceWatch {
    /**
     * @param convergence           the verdict
     * @param reason                why infeasible (null when converged)
     * @param predictedDowntimeNanos the stop-and-copy predicted when the verdict was reached
     * @param round                 the round after which it was reached
     */
    record Verdict(Convergence convergence, String reason, double predictedDowntimeNanos, int round) {}

    private PlanVerdict firstInfeasible;

    /** After each round, once the policy has planned. */
    void afterRound(PlanVerdict policyVerdict) {
        if (firstInfeasible == null && policyVerdict.infeasible()) firstInfeasible = policyVerdict;
    }

    /** The first time the policy said infeasible, or null. */
    PlanVerdict firstInfeasible() {
        return firstInfeasible;
    }

    /**
     * When pre-copy stopped after {@code last} for {@code stop}, leaving {@code expectedDowntimeNanos}
     * (NaN when not estimated); {@code why} says more about the stop (the post-copy switch's reason), or null.
     */
    Verdict conclude(StopReason stop, RoundFigures last, double expectedDowntimeNanos, String why) {
        if (stop == StopReason.CONVERGED) {
            return new Verdict(Convergence.CONVERGED, null, expectedDowntimeNanos, last.round());
        }
        if (firstInfeasible != null) {
            return new Verdict(Convergence.INFEASIBLE, "the policy after round " + firstInfeasible.round() + ": "
                    + firstInfeasible.reason(), firstInfeasible.predictedDowntimeNanos(), firstInfeasible.round());
        }
        String stopped = String.format(Locale.ROOT, "%s ended pre-copy after round %d with %.1f MiB still dirty", stop.json(),
                last.round(), last.remainingDirtyBytes() / (double) (1 << 20));
        return new Verdict(Convergence.INFEASIBLE, why == null ? stopped : stopped + ": " + why, expectedDowntimeNanos, last.round());
    }
}
