package io.livemig.migrator.policy;

/**
 * What a policy expects of the rest of pre-copy, as of the round it last planned: whether the
 * downtime limit can be met within the stop rule's budget, and the stop-and-copy it predicts.
 * Other code (a hybrid migration deciding to switch to post-copy) reads it through
 * {@link ConvergencePolicy#verdict()}.
 *
 * @param outlook                {@link Outlook#UNKNOWN} until the policy has planned
 * @param round                  the round after which this was planned
 * @param capPct                 the cap chosen for the next round
 * @param roundsToTarget         rounds until the dirty set fits the limit (0 when it does now; -1 never)
 * @param predictedDowntimeNanos the stop-and-copy predicted at the end of the plan (at the target,
 *                               or when the budget runs out)
 * @param reason                 one sentence for people: why infeasible, or how the plan gets there
 */
public record PlanVerdict(Outlook outlook, int round, double capPct, int roundsToTarget, double predictedDowntimeNanos,
                          String reason) {
    public enum Outlook { UNKNOWN, FEASIBLE, INFEASIBLE }

    public static final PlanVerdict UNKNOWN = new PlanVerdict(Outlook.UNKNOWN, -1, 100, -1, Double.NaN, "no plan yet");

    public boolean infeasible() { return outlook == Outlook.INFEASIBLE; }
}
