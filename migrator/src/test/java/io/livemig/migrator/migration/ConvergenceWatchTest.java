package io.livemig.migrator.migration;

import io.livemig.migrator.policy.PlanVerdict;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.stats.Convergence;
import io.livemig.migrator.stats.StopReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConvergenceWatchTest {
    private static final RoundFigures LAST = new RoundFigures(6, 100, 409_600, 50_000_000, 2560, 4096, 0.05,
            300_000_000, 800L << 20, 9_000_000_000L);
    private static final PlanVerdict FEASIBLE = new PlanVerdict(PlanVerdict.Outlook.FEASIBLE, 1, 0.05, 2, 2e8, "on track");
    private static final PlanVerdict INFEASIBLE_AT_0 = new PlanVerdict(PlanVerdict.Outlook.INFEASIBLE, 0, 0.01, -1, 8e8,
            "even at the 0.01 % floor, 30 MiB would still be dirty");

    @Test
    void stoppingOnTheLimitIsConvergedWhateverThePolicyFeared() {
        ConvergenceWatch watch = new ConvergenceWatch();
        watch.afterRound(INFEASIBLE_AT_0);
        ConvergenceWatch.Verdict v = watch.conclude(StopReason.CONVERGED, LAST, 1.2e8, null);
        assertThat(v.convergence()).isEqualTo(Convergence.CONVERGED);
        assertThat(v.reason()).isNull();
        assertThat(v.predictedDowntimeNanos()).isEqualTo(1.2e8);
    }

    @Test
    void theFirstInfeasibleVerdictOfThePolicyIsTheOneReported() {
        ConvergenceWatch watch = new ConvergenceWatch();
        watch.afterRound(INFEASIBLE_AT_0);
        watch.afterRound(FEASIBLE);
        watch.afterRound(new PlanVerdict(PlanVerdict.Outlook.INFEASIBLE, 5, 0.01, -1, 9e8, "later"));
        ConvergenceWatch.Verdict v = watch.conclude(StopReason.MAX_VOLUME, LAST, 3e8, null);
        assertThat(v.convergence()).isEqualTo(Convergence.INFEASIBLE);
        assertThat(v.round()).isZero();
        assertThat(v.predictedDowntimeNanos()).isEqualTo(8e8);
        assertThat(v.reason()).contains("after round 0").contains("0.01 % floor");
    }

    @Test
    void withoutAPolicyVerdictTheStopRuleSaysWhy() {
        ConvergenceWatch watch = new ConvergenceWatch();
        watch.afterRound(PlanVerdict.UNKNOWN);
        ConvergenceWatch.Verdict v = watch.conclude(StopReason.MAX_ROUNDS, LAST, 3e8, null);
        assertThat(v.convergence()).isEqualTo(Convergence.INFEASIBLE);
        assertThat(v.reason()).isEqualTo("max-rounds ended pre-copy after round 6 with 10.0 MiB still dirty");
        assertThat(v.round()).isEqualTo(6);
        assertThat(v.predictedDowntimeNanos()).isEqualTo(3e8);
    }

    @Test
    void aSwitchToPostCopyIsInfeasiblePreCopyWithTheSwitchsReason() {
        ConvergenceWatch.Verdict v = new ConvergenceWatch().conclude(StopReason.POSTCOPY, LAST, Double.NaN,
                "round 6 left 2560 dirty pages of the 100 it sent");
        assertThat(v.convergence()).isEqualTo(Convergence.INFEASIBLE);
        assertThat(v.reason()).startsWith("postcopy ended pre-copy after round 6").endsWith("of the 100 it sent");
    }
}
