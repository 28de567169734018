package io.livemig.migrator.estimate;

import io.livemig.migrator.stats.StopReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AutoChoiceTest {
    /** A prediction with the figures the choice looks at. */
    private static Prediction p(String policy, String mode, double downtimeMs, double workLostS, double totalMs, boolean met) {
        return p(policy, mode, Candidate.AS_CONFIGURED, downtimeMs, workLostS, totalMs, met);
    }

    private static Prediction p(String policy, String mode, int postcopyAfter, double downtimeMs, double workLostS, double totalMs,
                                boolean met) {
        return new Prediction(policy, mode, postcopyAfter, totalMs, downtimeMs, downtimeMs, downtimeMs, downtimeMs + 4, 1 << 20, 3, workLostS, 10, 0, met, StopReason.CONVERGED, "", List.of());
    }

    @Test
    void choosesThePrecopyCandidateThatMeetsTheLimitWithTheLeastWorkLost() {
        List<Prediction> predictions = List.of(
                p("none", "precopy", 3000, 3.0, 30_000, false),
                p("auto-converge", "precopy", 45, 7.5, 27_000, true),
                p("cpu-scheduling", "precopy", 48, 4.5, 9_000, true),
                p("dirty-limit", "precopy", 40, 3.6, 11_000, true),
                p("none", "hybrid", 16, 1.0, 20_000, true));

        AutoChoice.Choice choice = AutoChoice.choose(predictions);

        assertThat(choice.chosen().policy()).isEqualTo("dirty-limit");
        assertThat(choice.chosen().mode()).isEqualTo("precopy");
    }

    @Test
    void aTieInWorkLostGoesToTheShorterMigration() {
        List<Prediction> predictions = List.of(
                p("none", "precopy", 40, 0.0500, 2_000, true),
                p("auto-converge", "precopy", 40, 0.0505, 1_500, true),
                p("cpu-scheduling", "precopy", 40, 0.0400, 2_500, true));

        assertThat(AutoChoice.choose(predictions).chosen().policy()).isEqualTo("cpu-scheduling");

        List<Prediction> tied = List.of(
                p("none", "precopy", 40, 0.0500, 2_000, true),
                p("auto-converge", "precopy", 40, 0.0505, 1_500, true));
        assertThat(AutoChoice.choose(tied).chosen().policy()).isEqualTo("auto-converge");
    }

    @Test
    void workLostWithinFivePercentOfTheLeastIsATieTooAndGoesToTheShorterMigration() {
        List<Prediction> predictions = List.of(
                p("cpu-scheduling", "precopy", 88, 2.42, 4_800, true),
                p("dirty-limit", "precopy", 86, 2.35, 7_100, true));

        assertThat(AutoChoice.choose(predictions).chosen().policy()).isEqualTo("cpu-scheduling");

        List<Prediction> apart = List.of(
                p("cpu-scheduling", "precopy", 88, 2.50, 4_800, true),
                p("dirty-limit", "precopy", 86, 2.35, 7_100, true));
        assertThat(AutoChoice.choose(apart).chosen().policy()).isEqualTo("dirty-limit");
    }

    @Test
    void hybridOnlyWhenNoPrecopyPolicyMeetsTheLimitAndNotWhenTheUserPinnedPrecopy() {
        List<Prediction> predictions = List.of(
                p("none", "precopy", 3000, 3.0, 30_000, false),
                p("cpu-scheduling", "precopy", 80, 4.5, 9_000, false),
                p("none", "postcopy", 10, 0.5, 5_000, true),
                p("none", "hybrid", 16, 2.0, 20_000, true),
                p("cpu-scheduling", "hybrid", 16, 1.5, 20_000, true));

        AutoChoice.Choice withHybrid = AutoChoice.choose(predictions);
        assertThat(withHybrid.chosen().mode()).isEqualTo("hybrid");
        assertThat(withHybrid.chosen().policy()).isEqualTo("cpu-scheduling");

        AutoChoice.Choice precopyOnly = AutoChoice.chooseIn(predictions, "precopy");
        assertThat(precopyOnly.chosen().policy()).isEqualTo("cpu-scheduling");
        assertThat(precopyOnly.chosen().mode()).isEqualTo("precopy");
        assertThat(precopyOnly.reason()).contains("shortest predicted downtime");
    }

    @Test
    void whereOnlyPostcopyMeetsTheLimitHybridSwitchingAfterRoundZeroIsChosen() {
        // A slow writer: every pre-copy stop-and-copy, and hybrid's (its rule never switches), go over the limit.
        List<Prediction> predictions = List.of(
                p("none", "precopy", 60, 0.24, 2_000, false),
                p("cpu-scheduling", "precopy", 58, 0.26, 2_100, false),
                p("none", "postcopy", 18, 0.67, 1_500, true),
                p("none", "hybrid", 60, 0.24, 2_000, false),
                p("none", "hybrid", 1, 18, 0.40, 2_300, true));

        AutoChoice.Choice choice = AutoChoice.choose(predictions);

        assertThat(choice.chosen().candidate()).isEqualTo(new Candidate("none", "hybrid", 1));
        assertThat(choice.chosen().candidate().label()).isEqualTo("hybrid + none, after 1");
        assertThat(choice.chosen().candidate().options()).isEqualTo("--policy none --mode hybrid --postcopy-after 1");
        assertThat(choice.chosen().candidate().switchAfter(0)).as("its own round, not the migration's auto").isEqualTo(1);
        assertThat(new Candidate("none", "hybrid").switchAfter(3)).as("as configured").isEqualTo(3);
    }

    @Test
    void postcopyAloneIsNeverChosen() {
        List<Prediction> predictions = List.of(
                p("none", "precopy", 3000, 3.0, 30_000, false),
                p("none", "postcopy", 10, 0.1, 5_000, true));

        assertThat(AutoChoice.choose(predictions).chosen().mode()).isEqualTo("precopy");
        assertThat(AutoChoice.chooseIn(predictions, "postcopy").chosen().mode()).isEqualTo("postcopy");
    }

    @Test
    void theModeWordsAreTheSourceModes() {
        for (io.livemig.migrator.stats.MigrationMode m : io.livemig.migrator.stats.MigrationMode.values()) {
            assertThat(new Candidate("none", m.word()).migrationMode()).isEqualTo(m);
        }
        assertThat(Candidate.of("cpu-scheduling", io.livemig.migrator.stats.MigrationMode.POSTCOPY))
                .isEqualTo(new Candidate("none", "postcopy"));
    }
}
