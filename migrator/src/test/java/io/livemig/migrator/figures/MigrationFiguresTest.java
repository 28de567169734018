package io.livemig.migrator.figures;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.migration.Baseline;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.LatencyPoint;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a migration reports beyond its transfer: work lost, the guest's operation latencies, flight-recorder events. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MigrationFiguresTest {
    private static final long MIB = 1 << 20;

    /**
     * Original pre-copy stopped after one round on a slow link: the whole working set goes in the
     * stop-and-copy, seconds of downtime. The work lost is at least the downtime's share of the time.
     */
    @Test
    void aNoneMigrationLosesAtLeastItsDowntimesShareOfTheWork() throws Exception {
        MigrationOptions options = MigrationOptions.defaults().withBandwidth(4 * MIB).withMaxRounds(1);
        MigrationStats stats = migrate("memwrite:wss=8m", options, Duration.ofSeconds(1));
        assertThat(stats.downtimeMs()).as("a multi-second downtime").isGreaterThan(1_000);
        double downtimeShare = 100 * stats.downtimeMs() / stats.totalTimeMs();
        assertThat(stats.appWorkLostPct()).isGreaterThanOrEqualTo(downtimeShare - 0.01);
        assertThat(stats.appOpsPerSBefore()).as("a measured baseline").isPositive();
    }

    @Test
    void theGuestsOperationLatenciesAreReportedBeforeDuringAndAfter() throws Exception {
        MigrationOptions options = MigrationOptions.defaults().withBandwidth(32 * MIB).withLatencyWindow(Duration.ofMillis(500));
        MigrationStats stats = migrate("memwrite:wss=8m,rate=16m", options, Duration.ofMillis(600));
        assertThat(stats.opLatencyUsP50Before()).isPositive();
        assertThat(stats.opLatencyUsP99Before()).isGreaterThanOrEqualTo(stats.opLatencyUsP50Before());
        assertThat(stats.opLatencyUsP99During()).isPositive();
        assertThat(stats.opLatencyUsP999During()).isGreaterThanOrEqualTo(stats.opLatencyUsP99During());
        assertThat(stats.opLatencyUsMaxDuring()).as("the operation held up by the pause waited the application downtime")
                .isGreaterThanOrEqualTo(stats.appDowntimeMs() * 1000);
        assertThat(stats.opLatencyUsP99After()).as("the destination's report").isPositive();

        List<LatencyPoint> timeline = stats.opLatencyTimeline();
        assertThat(timeline).extracting(LatencyPoint::phase).contains("before", "during", "after");
        for (int i = 1; i < timeline.size(); i++) {
            assertThat(timeline.get(i).startMs()).as("point %d in time order", i).isGreaterThanOrEqualTo(timeline.get(i - 1).startMs() - 0.001);
        }
        LatencyPoint pause = timeline.stream().filter(p -> p.phase().equals("during")).reduce((a, b) -> b).orElseThrow();
        assertThat(pause.endMs() - pause.startMs()).as("the last 'during' interval is the pause").isCloseTo(stats.downtimeMs(),
                org.assertj.core.api.Assertions.within(0.01));
        assertThat(timeline.stream().filter(p -> p.phase().equals("after")).mapToDouble(LatencyPoint::startMs).min().orElseThrow())
                .isGreaterThanOrEqualTo(pause.endMs() - 0.001);
    }

    @Test
    void aFlightRecordingHoldsOneRoundEventPerRound(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("migration.jfr");
        MigrationStats stats;
        try (Recording recording = new Recording()) {
            for (String event : io.livemig.migrator.jfr.MigrationEvents.NAMES) recording.enable(event);
            recording.start();
            stats = migrate("memwrite:wss=4m,rate=8m", MigrationOptions.defaults().withBandwidth(16 * MIB), Duration.ofMillis(200));
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        long precopyRounds = stats.roundsDetail().stream().filter(r -> !r.stopAndCopy()).count();
        List<RecordedEvent> rounds = events.stream().filter(e -> e.getEventType().getName().equals("io.livemig.Round")).toList();
        assertThat(rounds).hasSize((int) precopyRounds);
        for (int i = 0; i < rounds.size(); i++) {
            RoundStats reported = stats.roundsDetail().get(i);
            assertThat(rounds.get(i).getInt("round")).isEqualTo(reported.round());
            assertThat(rounds.get(i).getLong("bytesSent")).isEqualTo(reported.bytes());
            assertThat(rounds.get(i).getDuration().toNanos()).isPositive();
        }
        assertThat(count(events, "io.livemig.StopAndCopy")).isEqualTo(1);
        assertThat(count(events, "io.livemig.ClockSync")).isEqualTo(2);
        RecordedEvent stopAndCopy = events.stream().filter(e -> e.getEventType().getName().equals("io.livemig.StopAndCopy")).findFirst().orElseThrow();
        java.util.Map<String, RecordedEvent> syncs = events.stream().filter(e -> e.getEventType().getName().equals("io.livemig.ClockSync"))
                .collect(java.util.stream.Collectors.toMap(e -> e.getString("when"), e -> e));
        assertThat(syncs).containsOnlyKeys("setup", "after-resume");
        assertThat(syncs.get("setup").getEndTime()).as("the setup's exchange is over before the pause")
                .isBeforeOrEqualTo(stopAndCopy.getStartTime());
        assertThat(syncs.get("after-resume").getStartTime())
                .as("the second exchange waits for the guest to run there: the guest does not run on through it toward the pause")
                .isAfterOrEqualTo(stopAndCopy.getEndTime());
        // Both ends ran in this JVM: one Handover event each.
        assertThat(events.stream().filter(e -> e.getEventType().getName().equals("io.livemig.Handover"))
                .map(e -> e.getString("side"))).containsExactlyInAnyOrder("source", "destination");
    }

    private static long count(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).count();
    }

    private static MigrationStats migrate(String spec, MigrationOptions options, Duration baselineWindow) throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse(spec))) {
            vm.start();
            Baseline baseline = Baseline.measure(vm, baselineWindow, HostClock.SYSTEM);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), options, MigrationListener.SILENT,
                    new Handshake(), baseline).migrate(transport, destination.address());
            assertThat(stats.completed()).as(stats.error()).isTrue();
            assertThat(stats.digestVerified()).isTrue();
            VirtualMachine arrived = destination.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            return stats;
        }
    }
}
