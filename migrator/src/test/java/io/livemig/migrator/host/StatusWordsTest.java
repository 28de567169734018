package io.livemig.migrator.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.HostPort;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control API's status words, now enums, are written as the words documented in docs/host.md
 * (a contract: never renamed), and an evacuation's report says so before any guest moved.
 */
class StatusWordsTest {
    private static final HostPort B = new HostPort("127.0.0.1", 7001);

    @Test
    void aMigrationsStatusIsActiveThenHowItsStatsEnded() throws Exception {
        assertThat(Arrays.stream(OutgoingStatus.values()).map(StatsJson::toJson))
                .containsExactly("\"active\"", "\"completed\"", "\"failed\"", "\"cancelled\"");
        for (MigrationStatus ended : MigrationStatus.values()) {
            assertThat(OutgoingStatus.of(ended).json()).isEqualTo(ended.json());
        }
        assertThat(OutgoingStatus.CANCELLED.is("cancelled")).isTrue();
        assertThat(OutgoingStatus.ACTIVE.is("completed")).isFalse();
        assertThat(StatsJson.mapper().readTree(StatsJson.toJson(Map.of("status", OutgoingStatus.ACTIVE))).get("status").asText())
                .as("in a view, as the control API writes it").isEqualTo("active");
    }

    @Test
    void anEvacuationAndEachOfItsGuestsSayWhereTheyStand() throws Exception {
        assertThat(Arrays.stream(EvacuationStatus.values()).map(EvacuationStatus::json)).containsExactly("active", "completed", "incomplete");
        assertThat(Arrays.stream(MoveStatus.values()).map(MoveStatus::json))
                .containsExactly("waiting", "migrating", "completed", "failed", "cancelled");
        for (MigrationStatus ended : MigrationStatus.values()) assertThat(MoveStatus.of(ended).json()).isEqualTo(ended.json());

        List<EvacuationPlan.Move> plan = EvacuationPlan.plan(List.of(new EvacuationPlan.Candidate("web", 64L << 20, 0)), List.of(B), 1e8);
        Evacuation notStarted = new Evacuation("evac-1", plan, List.of(B), 1, Map.of(), 0, (guest, to, options, id) -> {
            throw new AssertionError("not started");
        }, () -> {});
        JsonNode report = StatsJson.mapper().readTree(StatsJson.toJson(notStarted.view()));
        assertThat(report.get("status").asText()).isEqualTo("active");
        assertThat(report.get("guests").get(0).get("status").asText()).isEqualTo("waiting");
    }
}
