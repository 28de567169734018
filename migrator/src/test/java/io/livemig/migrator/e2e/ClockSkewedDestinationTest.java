package io.livemig.migrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
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
import static org.assertj.core.api.Assertions.within;

/**
 * {@code livemig dest --clock-skew -1h --jfr FILE} in a second JVM, as a user would run a
 * destination whose clocks are wrong: the source's figures stay in its own time base, and the
 * destination's flight recording holds its side of the handover.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClockSkewedDestinationTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aDestinationJvmAnHourBehindReportsTheSameKindOfDowntime() throws Exception {
        Path destStats = dir.resolve("dest.json");
        Path recording = dir.resolve("dest.jfr");
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s",
                "--clock-skew", "-1h", "--stats-json", destStats.toString(), "--jfr", recording.toString()));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=4m,rate=8m"))) {
            HostPort to = new HostPort("127.0.0.1", dest.awaitListening(Duration.ofSeconds(60)));
            vm.start();
            Thread.sleep(200);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(),
                    MigrationOptions.defaults().withLatencyWindow(Duration.ofMillis(300)), MigrationListener.SILENT, new Handshake(), 0)
                    .migrate(transport, to);

            assertThat(stats.completed()).as(stats.error()).isTrue();
            assertThat(stats.digestVerified()).isTrue();
            double u = stats.clockUncertaintyMs();
            // Two JVMs on one host share CLOCK_MONOTONIC and the wall clock: the true offset is the skew.
            assertThat(stats.clockOffsetMs()).isCloseTo(-3_600_000, within(u + 0.001));
            assertThat(stats.wallClockOffsetMs()).isCloseTo(-3_600_000, within(u + 0.002));
            assertThat(stats.downtimeMs()).isBetween(0.0, 10_000.0);
            assertThat(stats.appDowntimeMs()).isBetween(stats.downtimeMs() - 2 * u - 1, 10_000.0);
            assertThat(stats.opLatencyUsP99After()).as("reported by the destination JVM").isPositive();

            assertThat(dest.awaitExit(Duration.ofSeconds(60))).as(dest.output()).isZero();
            JsonNode arrived = StatsJson.mapper().readTree(destStats.toFile());
            assertThat(arrived.get("verified").asBoolean()).as(arrived.toString()).isTrue();
            assertThat(arrived.get("clock_skew_ms").asDouble()).isEqualTo(-3_600_000.0);
            List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
            assertThat(events.stream().filter(e -> e.getEventType().getName().equals("io.livemig.Handover"))
                    .map(e -> e.getString("side")).toList()).containsExactly("destination");
            assertThat(events.stream().anyMatch(e -> e.getEventType().getName().startsWith("jdk.")))
                    .as("the JDK's own events are recorded too").isTrue();
        }
    }
}
