package io.livemig.migrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code livemig estimate} and {@code source --policy auto} as users run them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EstimateCliTest {
    // The limit leaves pre-copy room: its stop-and-copy's fixed costs alone are 35-70 ms on these hosts.
    private static final String[] GUEST = {"--memory", "16m", "--vcpus", "1", "--workload", "memwrite:wss=4m,rate=8m"};

    @Test
    void anEstimateHasOnePredictionPerPolicyAndModeAndARecommendation(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("estimate.json");
        int exit = run(concat(concat(new String[] {"estimate"}, GUEST), "--bandwidth", "16m", "--downtime-limit", "300ms",
                "--sample", "400ms", "--stats-json", json.toString()), new StringWriter());

        assertThat(exit).isEqualTo(Cli.EXIT_OK);
        JsonNode estimate = StatsJson.mapper().readTree(json.toFile());
        assertThat(estimate.path("inputs").path("link_bytes_per_s").asDouble()).isEqualTo(16 << 20);
        assertThat(estimate.path("inputs").path("memory_bytes").asLong()).isEqualTo(16 << 20);
        List<String> labels = new ArrayList<>();
        for (JsonNode c : estimate.path("candidates")) {
            labels.add(c.path("policy").asText() + "/" + c.path("mode").asText() + (c.path("postcopy_after").asInt() > 0 ? "/" + c.path("postcopy_after").asInt() : ""));
            for (String key : List.of("total_time_ms", "downtime_ms", "app_downtime_ms", "transferred_bytes", "rounds",
                    "work_lost_s", "work_lost_pct", "limit_met")) {
                assertThat(c.has(key)).as(key).isTrue();
            }
            assertThat(c.path("transferred_bytes").asLong()).isPositive();
            if (c.path("mode").asText().equals("precopy")) {
                // Each round played out, the stop-and-copy (counted in rounds) not among them.
                assertThat(c.path("rounds_detail")).hasSize(c.path("rounds").asInt() - 1);
                assertThat(c.path("rounds_detail").get(0).path("pages").asLong()).isPositive();
            }
        }
        assertThat(labels).contains("none/precopy", "cpu-scheduling/precopy", "auto-converge/precopy", "dirty-limit/precopy",
                "none/postcopy", "none/hybrid", "none/hybrid/1").hasSize(10);
        assertThat(estimate.path("recommendation").path("mode").asText()).isEqualTo("precopy");
    }

    @Test
    void badInputIsOneLineAndExitStatus2() {
        assertUsage(concat(concat(new String[] {"estimate"}, GUEST), "--sample", "1ms"), "--sample must be");
        assertUsage(concat(concat(new String[] {"estimate"}, GUEST), "--bandwidth", "16m", "--to", "127.0.0.1:9"),
                "mutually exclusive");
        assertUsage(concat(concat(new String[] {"estimate"}, GUEST), "--downtime-limit", "soon"), "--downtime-limit");
        assertUsage(concat(concat(new String[] {"estimate"}, GUEST), "--bandwidth", "0"),
                "--bandwidth must be a rate above 0, e.g. 64m: an estimate needs the link's rate");
        assertUsage(concat(concat(new String[] {"estimate"}, GUEST), "--bandwidth", "unlimited"), "--bandwidth must be a rate above 0");
        assertUsage(new String[] {"source", "--memory", "16m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:9",
                "--policy", "fastest"}, "unknown policy 'fastest'");
    }

    @Test
    void sourcePolicyAutoRunsTheChosenPolicyAndRecordsWhatItPredicted(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("source.json");
        try (Destinations destination = new Destinations()) {
            int exit = run(concat(concat(new String[] {"source"}, GUEST), "--to", destination.address().toString(),
                    "--bandwidth", "16m", "--downtime-limit", "300ms", "--policy", "auto", "--migrate-after", "500ms",
                    "--stats-json", json.toString()), new StringWriter());

            assertThat(exit).isEqualTo(Cli.EXIT_OK);
            JsonNode stats = StatsJson.mapper().readTree(json.toFile());
            assertThat(stats.path("status").asText()).isEqualTo("completed");
            assertThat(stats.path("digest_verified").asBoolean()).isTrue();
            assertThat(stats.path("chosen_by").asText()).isEqualTo("auto");
            assertThat(stats.path("chosen_policy").asText()).isEqualTo(stats.path("policy").asText());
            assertThat(stats.path("chosen_mode").asText()).isEqualTo("precopy");
            assertThat(stats.path("predicted_total_time_ms").asDouble()).isPositive();
            assertThat(stats.path("predicted_transferred_bytes").asLong()).isPositive();
            assertThat(stats.has("predicted_downtime_ms")).isTrue();
            // Every candidate, the chosen one among them with the figures recorded for it.
            JsonNode candidates = stats.path("predicted_candidates");
            assertThat(candidates.size()).isGreaterThan(4);
            JsonNode chosen = null;
            for (JsonNode c : candidates) {
                if (c.path("policy").asText().equals(stats.path("chosen_policy").asText())
                        && c.path("mode").asText().equals(stats.path("chosen_mode").asText())) chosen = c;
            }
            assertThat(chosen).isNotNull();
            assertThat(chosen.path("total_time_ms").asDouble()).isEqualTo(stats.path("predicted_total_time_ms").asDouble());
            assertThat(stats.path("app_ops_per_s_before").asDouble()).as("the baseline, measured after the sample").isPositive();
            assertThat(destination.await().vm().verify().ok()).isTrue();
        }
    }

    @Test
    void withAPredictionTheBaselineIsMeasuredAfterTheSampleOverHalfOfMigrateAfter() {
        assertThat(SourcePrediction.baselineWindow(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(SourcePrediction.baselineWindow(Duration.ofMillis(300))).as("never under 200 ms").isEqualTo(Duration.ofMillis(200));
    }

    private static int run(String[] args, StringWriter err) {
        CommandLine cl = Cli.commandLine();
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static void assertUsage(String[] args, String expected) {
        StringWriter err = new StringWriter();
        assertThat(run(args, err)).as(String.join(" ", args)).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").contains(expected);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
