package io.livemig.migrator.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code --stats-json} contract as the builder produces it: every key of the contract (extend,
 * never rename or drop), the same words for statuses and stop reasons, and a file that reads back.
 */
class MigrationStatsTest {
    /** Every key {@code livemig source --stats-json} wrote before the builder existed, in the order written. */
    static final List<String> CONTRACT_KEYS = List.of("status", "policy", "memory_bytes", "page_size", "vcpus", "workload",
            "rounds", "total_time_ms", "setup_time_ms", "downtime_ms", "app_downtime_ms", "pause_ms", "final_transfer_ms",
            "verify_ms", "resume_ms", "transferred_bytes", "normal_pages", "zero_pages", "dirty_rate_bytes_per_s",
            "bandwidth_bytes_per_s", "bandwidth_limit_bytes_per_s", "downtime_limit_ms", "max_throttle_pct",
            "digest_verified", "app_ops_per_s_before", "app_ops_per_s_during", "app_ops_lost", "app_work_lost_pct",
            "applied_dirty_limit_bytes_per_s", "stop_reason", "source_guest_verified", "channels", "compression",
            "compression_ratio", "wire_bytes", "delta_pages", "delta_cache_misses", "error", "rounds_detail");
    static final Set<String> ROUND_KEYS = Set.of("round", "pages", "bytes", "duration_ms", "dirty_pages", "throttle_pct",
            "dirty_rate_bytes_per_s", "bandwidth_bytes_per_s", "stop_and_copy", "wire_bytes");

    private static MigrationStats everyFigure() {
        return MigrationStats.builder()
                .status(MigrationStatus.FAILED).policy("cpu-scheduling").memoryBytes(64L << 20).pageSize(4096).vcpus(2)
                .workload("memwrite:wss=8m").rounds(2).totalTimeMs(900).setupTimeMs(12).downtimeMs(-1).appDowntimeMs(-1)
                .pauseMs(1.5).finalTransferMs(3).verifyMs(4).resumeMs(0).transferredBytes(1 << 20).normalPages(256)
                .zeroPages(16).dirtyRateBytesPerS(2e6).bandwidthBytesPerS(3e6).bandwidthLimitBytesPerS(4e6)
                .downtimeLimitMs(300).maxThrottlePct(40).digestVerified(false).appOpsPerSBefore(1000).appOpsPerSDuring(800)
                .appOpsLost(200).appWorkLostPct(20).appliedDirtyLimitBytesPerS(0).stopReason(StopReason.MAX_ROUNDS)
                .convergence(Convergence.INFEASIBLE).convergenceReason("even at the 0.01 % floor ...")
                .convergencePredictedDowntimeMs(812.5).convergenceRound(0).cpuModel("working-set").maxThrottleSleepMs(300.2)
                .sourceGuestVerified(true).channels(2).compression("lz4").compressionRatio(2.5).wireBytes(400_000)
                .deltaPages(12).deltaCacheMisses(3).error("the destination refused: busy")
                .roundsDetail(List.of(new RoundStats(0, 256, 1 << 20, 300, 10, 0, 1e5, 3e6, false),
                        new RoundStats(1, 10, 40960, 2, 0, 100, 0, 2e7, true)))
                .postcopy(PostcopyStats.builder(MigrationMode.HYBRID).postcopyTimeMs(1500).postcopyFaults(40).postcopyPagesRequested(30)
                        .postcopyPagesPushed(1000).faultLatencyUsP50(180).faultLatencyUsP99(1900).faultLatencyUsMax(4000)
                        .blocktimeMs(12.5).blocktimeMsPerVcpu(List.of(10.0, 2.5)).build())
                .prediction(new PredictionStats(850.0, 45.0, 40.0, 60.0, 49.0, 1_100_000L, 3, 18.5, true, "cpu-scheduling", "precopy", "auto", null,
                        List.of(new CandidateFigures("none", "precopy", 0, 2400, 310, 314, 3_000_000L, 30, 0.2, 8.3, false, StopReason.MAX_ROUNDS),
                                new CandidateFigures("cpu-scheduling", "precopy", 0, 850, 45, 49, 1_100_000L, 3, 0.16, 18.5, true,
                                        StopReason.CONVERGED)),
                        List.of(new PredictedRound(0, 256, 310, 12, 0), new PredictedRound(1, 12, 15, 2, 40))))
                .build();
    }

    @Test
    void aBuilderMadeStatsObjectCarriesEveryContractKeyInOrder() throws Exception {
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(everyFigure()));
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsSubsequence(CONTRACT_KEYS);
        for (JsonNode round : json.get("rounds_detail")) {
            List<String> roundKeys = new ArrayList<>();
            round.fieldNames().forEachRemaining(roundKeys::add);
            assertThat(roundKeys).containsExactlyInAnyOrderElementsOf(ROUND_KEYS);
        }
    }

    @Test
    void theConvergenceVerdictAndTheLongestThrottleSleepAreWritten() throws Exception {
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(everyFigure()));
        assertThat(json.get("convergence").asText()).isEqualTo("infeasible");
        assertThat(json.get("convergence_reason").asText()).startsWith("even at the");
        assertThat(json.get("convergence_predicted_downtime_ms").asDouble()).isEqualTo(812.5);
        assertThat(json.get("convergence_round").asInt()).isZero();
        assertThat(json.get("cpu_model").asText()).isEqualTo("working-set");
        assertThat(json.get("max_throttle_sleep_ms").asDouble()).isEqualTo(300.2);
        JsonNode unset = StatsJson.mapper().readTree(StatsJson.toJson(
                MigrationStats.builder().status(MigrationStatus.COMPLETED).policy("none").build()));
        assertThat(unset.has("convergence")).as("absent until pre-copy ended").isFalse();
        assertThat(unset.has("cpu_model")).isFalse();
    }

    @Test
    void statusesAndStopReasonsAreWrittenAsTheSameWordsAsBefore() throws Exception {
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(everyFigure()));
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("stop_reason").asText()).isEqualTo("max-rounds");
        assertThat(MigrationStatus.COMPLETED.json()).isEqualTo("completed");
        assertThat(MigrationStatus.CANCELLED.json()).isEqualTo("cancelled");
        assertThat(StopReason.CONVERGED.json()).isEqualTo("converged");
        assertThat(StopReason.MAX_VOLUME.json()).isEqualTo("max-volume");
        assertThat(Convergence.INFEASIBLE.json()).isEqualTo("infeasible");
        assertThat(StatsJson.toJson(Convergence.CONVERGED)).isEqualTo("\"converged\"");
    }

    @Test
    void figuresNeverSetAreLeftOutOrDefault() throws Exception {
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(
                MigrationStats.builder().status(MigrationStatus.COMPLETED).policy("none").build()));
        assertThat(json.has("error")).isFalse();
        assertThat(json.has("stop_reason")).isFalse();
        assertThat(json.has("source_guest_verified")).isFalse();
        assertThat(json.get("downtime_ms").asDouble()).as("not measured").isEqualTo(-1);
        assertThat(json.get("rounds_detail").isEmpty()).isTrue();
        assertThatThrownBy(() -> MigrationStats.builder().policy("none").build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aWrittenFileReadsBackEqual() throws Exception {
        MigrationStats stats = everyFigure();
        assertThat(StatsJson.mapper().readValue(StatsJson.toJson(stats), MigrationStats.class)).isEqualTo(stats);
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        MigrationStats stats = everyFigure();
        assertThat(stats.withSourceGuestVerified(false)).isEqualTo(stats.toBuilder().sourceGuestVerified(false).build());
        assertThat(stats.toBuilder().build()).isEqualTo(stats);
        assertThat(stats.withSourceGuestVerified(false).sourceGuestVerified()).isFalse();
    }

    /** The post-copy keys of issue 11, flat beside the others. */
    static final List<String> POSTCOPY_KEYS = List.of("mode", "postcopy_time_ms", "postcopy_faults", "postcopy_pages_requested",
            "postcopy_pages_pushed", "fault_latency_us_p50", "fault_latency_us_p99", "fault_latency_us_max", "blocktime_ms",
            "blocktime_ms_per_vcpu");

    @Test
    void postcopyFiguresAreFlatKeysAndAPrecopyMigrationSaysSo() throws Exception {
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(everyFigure()));
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsAll(POSTCOPY_KEYS);
        assertThat(json.get("mode").asText()).isEqualTo("hybrid");
        assertThat(json.get("fault_latency_us_p99").asDouble()).isEqualTo(1900);
        assertThat(json.get("blocktime_ms_per_vcpu").get(1).asDouble()).isEqualTo(2.5);

        JsonNode plain = StatsJson.mapper().readTree(StatsJson.toJson(
                MigrationStats.builder().status(MigrationStatus.COMPLETED).policy("none").build()));
        assertThat(plain.get("mode").asText()).isEqualTo("precopy");
        assertThat(plain.get("postcopy_faults").asLong()).isZero();
    }

    /** The keys of issue 13: what the model predicted, flat beside what was measured, and what ran. */
    static final List<String> PREDICTION_KEYS = List.of("predicted_total_time_ms", "predicted_downtime_ms",
            "predicted_downtime_low_ms", "predicted_downtime_high_ms", "predicted_app_downtime_ms", "predicted_transferred_bytes", "predicted_rounds", "predicted_work_lost_pct",
            "predicted_limit_met", "chosen_policy", "chosen_mode", "chosen_by", "predicted_candidates",
            "predicted_rounds_detail");

    @Test
    void predictionsAreFlatKeysAndAbsentWhenNothingWasPredicted() throws Exception {
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(everyFigure()));
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsAll(PREDICTION_KEYS);
        assertThat(json.get("predicted_total_time_ms").asDouble()).isEqualTo(850);
        assertThat(json.get("predicted_transferred_bytes").asLong()).isEqualTo(1_100_000L);
        assertThat(json.get("chosen_policy").asText()).isEqualTo("cpu-scheduling");
        assertThat(json.get("chosen_by").asText()).isEqualTo("auto");

        JsonNode passedOver = json.get("predicted_candidates").get(0);
        assertThat(passedOver.get("policy").asText()).isEqualTo("none");
        assertThat(passedOver.get("work_lost_s").asDouble()).isEqualTo(0.2);
        assertThat(passedOver.get("limit_met").asBoolean()).isFalse();
        assertThat(passedOver.get("ended_by").asText()).isEqualTo("max-rounds");
        assertThat(json.get("predicted_candidates")).hasSize(2);
        JsonNode predictedRound = json.get("predicted_rounds_detail").get(1);
        List<String> predictedRoundKeys = new ArrayList<>();
        predictedRound.fieldNames().forEachRemaining(predictedRoundKeys::add);
        assertThat(predictedRoundKeys).containsExactly("round", "pages", "duration_ms", "dirty_pages", "throttle_pct");
        assertThat(ROUND_KEYS).containsAll(predictedRoundKeys);
        assertThat(predictedRound.get("throttle_pct").asDouble()).isEqualTo(40);

        JsonNode plain = StatsJson.mapper().readTree(StatsJson.toJson(
                MigrationStats.builder().status(MigrationStatus.COMPLETED).policy("none").build()));
        List<String> plainKeys = new ArrayList<>();
        plain.fieldNames().forEachRemaining(plainKeys::add);
        assertThat(plainKeys).doesNotContainAnyElementsOf(PREDICTION_KEYS);
    }
}
