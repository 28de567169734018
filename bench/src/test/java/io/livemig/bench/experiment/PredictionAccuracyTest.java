package io.livemig.bench.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PredictionAccuracyTest {
    private static RunResult run(int n, String policy, double totalMs, double predictedTotalMs, double downtimeMs,
                                 double predictedDowntimeMs, double workLostS, String chosen) {
        ObjectNode stats = StatsJson.mapper().createObjectNode();
        stats.put("status", "completed").put("digest_verified", true).put("total_time_ms", totalMs)
                .put("predicted_total_time_ms", predictedTotalMs).put("downtime_ms", downtimeMs)
                .put("predicted_downtime_ms", predictedDowntimeMs).put("transferred_bytes", 100 << 20)
                .put("predicted_transferred_bytes", 110 << 20).put("app_ops_per_s_before", 1000)
                .put("app_ops_lost", (long) (workLostS * 1000)).put("chosen_policy", chosen);
        Matrix.Cell cell = new Matrix.Cell(n, "memwrite:wss=64m,rate=64m", "128m", 1, "32m", "50ms", policy, "precopy", 1, null);
        return new RunResult(cell, true, "completed", "", 1, stats);
    }

    @Test
    void errorsAreRelativeToTheMeasuredFigureWithMedianP90AndWorst() {
        List<RunResult> runs = new ArrayList<>();
        // Total-time errors of 0 %, 10 %, ..., 90 %: median 40 % (nearest rank), p90 80 %, worst 90 %.
        for (int i = 0; i < 10; i++) runs.add(run(i + 1, "none", 1000, 1000 + 100 * i, 100, 100, 1, "none"));

        PredictionAccuracy.Errors e = PredictionAccuracy.errors(runs, PredictionAccuracy.Figure.TOTAL_TIME);
        assertThat(e.n()).isEqualTo(10);
        assertThat(e.median()).isCloseTo(0.4, within(1e-9));
        assertThat(e.p90()).isCloseTo(0.8, within(1e-9));
        assertThat(e.worst()).isCloseTo(0.9, within(1e-9));
        assertThat(e.worstRun()).isEqualTo(10);
        assertThat(PredictionAccuracy.errors(runs, PredictionAccuracy.Figure.BYTES).median()).isCloseTo(0.1, within(1e-9));
        assertThat(PredictionAccuracy.markdown(runs)).contains("| total time | 10 | 40 % | 80 % | 90 % | 10 (1900 / 1000) |");
    }

    @Test
    void downtimeCountsAsRightWithin25PercentOr20MsWhicheverIsLarger() {
        List<RunResult> runs = List.of(
                run(1, "none", 1000, 1000, 50, 69, 1, "none"),     // 19 ms off: within 20 ms
                run(2, "none", 1000, 1000, 50, 75, 1, "none"),     // 25 ms off: out
                run(3, "none", 1000, 1000, 1000, 1240, 1, "none"), // 24 %: within
                run(4, "none", 1000, 1000, 1000, 700, 1, "none")); // 30 %: out
        assertThat(PredictionAccuracy.downtimeWithinBound(runs)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aDowntimeOnTheEdgeCountsAsRightWithinItsPredictedRangeOverTheLinksRate() {
        RunResult edge = run(1, "none", 1000, 1000, 60, 200, 1, "none"); // 140 ms off the point
        ((ObjectNode) edge.stats()).put("predicted_downtime_low_ms", 70).put("predicted_downtime_high_ms", 260);
        RunResult outside = run(2, "none", 1000, 1000, 300, 100, 1, "none");
        ((ObjectNode) outside.stats()).put("predicted_downtime_low_ms", 90).put("predicted_downtime_high_ms", 120);
        RunResult noRange = run(3, "none", 1000, 1000, 60, 200, 1, "none");

        assertThat(PredictionAccuracy.downtimeWithinBound(List.of(edge, outside))).isZero();
        // 60 ms is within 20 ms of the range's 70; 300 ms is 180 ms above its 120.
        assertThat(PredictionAccuracy.downtimeWithinRange(List.of(edge, outside, noRange))).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void autoIsComparedWithTheBestFixedPolicyThatMetTheLimit() {
        List<RunResult> runs = List.of(
                run(1, "none", 10_000, 10_000, 1500, 1500, 1.0, "none"),
                run(2, "cpu-scheduling", 5_000, 5_000, 45, 45, 3.0, "cpu-scheduling"),
                run(3, "dirty-limit", 6_000, 6_000, 48, 48, 2.0, "dirty-limit"),
                run(4, "auto", 6_000, 6_000, 47, 48, 2.1, "dirty-limit"));
        String md = AutoAgainstFixed.markdown(runs);
        assertThat(md).contains("| dirty-limit=1 | 47 | yes | dirty-limit | 2.00 | 2.10 | 1.05 |");
        assertThat(Report.policyLabel(runs.get(3).cell(), runs.subList(3, 4))).isEqualTo("auto (dirty-limit)");
    }
}
