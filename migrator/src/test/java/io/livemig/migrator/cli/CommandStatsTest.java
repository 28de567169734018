package io.livemig.migrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.stats.MigrationMode;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.PostcopyStats;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code --stats-json} of {@code dest} and {@code run}, built by name: the same keys in the same
 * order, and byte for byte the same file as the positional constructors wrote for the same figures.
 */
class CommandStatsTest {
    /** Every key {@code livemig dest --stats-json} writes, in the order written. */
    static final List<String> DEST_KEYS = List.of("status", "workload", "memory_bytes", "vcpus", "rounds", "pages_received",
            "bytes_received", "verify_ms", "digest_verified", "ran_for_s", "ops", "ops_per_s", "verified", "verify_detail",
            "error", "op_latency_us_p50_after", "op_latency_us_p99_after", "op_latency_us_max_after", "clock_skew_ms");
    /** Every key {@code livemig run --stats-json} writes, in the order written. */
    static final List<String> RUN_KEYS = List.of("workload", "memory_bytes", "vcpus", "cap_pct", "duration_s", "ops", "ops_per_s",
            "dirty_rate_bytes_per_s", "cpu_share_pct", "verified", "verify_detail", "op_latency_us_p50", "op_latency_us_p99",
            "op_latency_us_p999", "op_latency_us_max");

    @Test
    void destStatsByNameWriteTheSameFileAsByPosition() throws Exception {
        DestStats byName = DestStats.builder().status(MigrationStatus.COMPLETED).workload("kvstore:records=5000").memoryBytes(16L << 20)
                .vcpus(2).rounds(3).pagesReceived(4096).bytesReceived(16L << 20).verifyMs(1.5).digestVerified(true).ranForS(1.02)
                .ops(12345).opsPerS(12103.9).verified(true).verifyDetail("5000 records ok").error(null)
                .opLatencyUsP50After(2.5).opLatencyUsP99After(40).opLatencyUsMaxAfter(900).clockSkewMs(-250).build();
        DestStats byPosition = new DestStats(MigrationStatus.COMPLETED, "kvstore:records=5000", 16L << 20, 2, 3, 4096, 16L << 20, 1.5,
                true, 1.02, 12345, 12103.9, true, "5000 records ok", null, 2.5, 40, 900, -250, null);
        assertThat(StatsJson.toJson(byName)).isEqualTo(StatsJson.toJson(byPosition));
        assertThat(keys(StatsJson.toJson(byName))).containsExactlyElementsOf(DEST_KEYS);
    }

    @Test
    void aRehearsedDestinationAddsItsRehearsalTimeLast() throws Exception {
        DestStats rehearsed = DestStats.builder().status(MigrationStatus.COMPLETED).clockSkewMs(0).rehearsalMs(1234.5).build();
        List<String> keys = keys(StatsJson.toJson(rehearsed));
        assertThat(keys.subList(0, DEST_KEYS.size())).containsExactlyElementsOf(DEST_KEYS);
        assertThat(keys.subList(DEST_KEYS.size(), keys.size())).containsExactly("rehearsal_ms");
        assertThat(StatsJson.mapper().readTree(StatsJson.toJson(rehearsed)).get("rehearsal_ms").asDouble()).isEqualTo(1234.5);
    }

    @Test
    void aDestinationThatLostItsGuestWritesWhatItWroteBefore() throws Exception {
        DestStats lost = DestStats.builder().status(MigrationStatus.FAILED).verifyDetail("not run").error("source gone").clockSkewMs(0).build();
        assertThat(StatsJson.toJson(lost)).isEqualTo(StatsJson.toJson(new DestStats(MigrationStatus.FAILED, null, 0, 0, 0, 0, 0, 0,
                false, 0, 0, 0, false, "not run", "source gone", -1, -1, -1, 0, null)));
        JsonNode json = StatsJson.mapper().readTree(StatsJson.toJson(lost));
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("op_latency_us_p99_after").asDouble()).as("not measured").isEqualTo(-1);
        assertThatThrownBy(() -> DestStats.builder().build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void runStatsByNameWriteTheSameFileAsByPosition() throws Exception {
        RunStats byName = RunStats.builder().workload("memwrite:wss=8m").memoryBytes(64L << 20).vcpus(2).capPct(50).durationS(2.01)
                .ops(99).opsPerS(49.3).dirtyRateBytesPerS(3e6).cpuSharePct(49.8).verified(true).verifyDetail("ok")
                .opLatencyUsP50(1.5).opLatencyUsP99(20).opLatencyUsP999(80).opLatencyUsMax(1200).build();
        RunStats byPosition = new RunStats("memwrite:wss=8m", 64L << 20, 2, 50, 2.01, 99, 49.3, 3e6, 49.8, true, "ok", 1.5, 20, 80, 1200);
        assertThat(StatsJson.toJson(byName)).isEqualTo(StatsJson.toJson(byPosition));
        assertThat(keys(StatsJson.toJson(byName))).containsExactlyElementsOf(RUN_KEYS);
    }

    @Test
    void postcopyStatsByNameEqualThoseByPosition() {
        PostcopyStats byName = PostcopyStats.builder(MigrationMode.HYBRID).postcopyTimeMs(1500).postcopyFaults(40).postcopyPagesRequested(30)
                .postcopyPagesPushed(1000).faultLatencyUsP50(180).faultLatencyUsP99(1900).faultLatencyUsMax(4000).blocktimeMs(12.5)
                .blocktimeMsPerVcpu(List.of(10.0, 2.5)).build();
        assertThat(byName).isEqualTo(new PostcopyStats(MigrationMode.HYBRID, 1500, 40, 30, 1000, 180, 1900, 4000, 12.5, List.of(10.0, 2.5)));
        assertThat(PostcopyStats.none(MigrationMode.PRECOPY)).isEqualTo(new PostcopyStats(MigrationMode.PRECOPY, 0, 0, 0, 0, 0, 0, 0, 0, List.of()));
    }

    private static List<String> keys(String json) throws Exception {
        List<String> keys = new ArrayList<>();
        StatsJson.mapper().readTree(json).fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
