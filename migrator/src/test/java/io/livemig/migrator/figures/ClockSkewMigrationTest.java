package io.livemig.migrator.figures;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A destination whose clocks run an hour ahead or behind (as another machine's may): the source
 * measures the offset, so its downtime figures stay those of an unskewed migration. Both ends run
 * in this JVM, so the true offset is exactly the skew and the estimate must hold it within its
 * stated uncertainty; the downtime is converted with that estimate, so its error is the same.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClockSkewMigrationTest {
    private static final long MIB = 1 << 20;
    private static final double HOUR_MS = 3_600_000;

    @Test
    void aDestinationAnHourAheadOrBehindChangesNoDowntimeFigure() throws Exception {
        MigrationStats unskewed = migrate(Duration.ZERO);
        MigrationStats ahead = migrate(Duration.ofHours(1));
        MigrationStats behind = migrate(Duration.ofHours(-1));

        assertOffsetMeasured(unskewed, 0);
        assertOffsetMeasured(ahead, HOUR_MS);
        assertOffsetMeasured(behind, -HOUR_MS);
        for (MigrationStats s : new MigrationStats[] {unskewed, ahead, behind}) {
            assertPlausibleDowntimes(s);
            // Loose on purpose (both JVM-local runs share two busy cores); the tight comparison,
            // medians of separate JVMs, is in docs/performance.md.
            assertThat(Math.abs(s.downtimeMs() - unskewed.downtimeMs())).as("agrees with the unskewed run").isLessThan(2_000);
        }
    }

    @Test
    void anyOffsetIsMeasuredAndTheDowntimeHoldsItsParts() throws Exception {
        MigrationStats stats = migrate(Duration.ofMinutes(-7));
        assertOffsetMeasured(stats, -7 * 60_000);
        // Pause, final transfer and verification are timed on the source, the resume ends on the
        // destination's converted clock: the parts follow one another inside the downtime.
        double parts = stats.pauseMs() + stats.finalTransferMs() + stats.verifyMs() + stats.resumeMs();
        assertThat(stats.downtimeMs()).isGreaterThanOrEqualTo(parts - 0.005);
    }

    private static void assertOffsetMeasured(MigrationStats s, double skewMs) {
        double u = s.clockUncertaintyMs();
        assertThat(u).as("half the best round trip").isBetween(0.0, 1_000.0);
        // NTP's bound: the destination read its clocks between the probe's send and the reply's arrival.
        assertThat(s.clockOffsetMs()).isCloseTo(skewMs, within(u + 0.001));
        assertThat(s.wallClockOffsetMs()).isCloseTo(skewMs, within(u + 0.002));
    }

    private static void assertPlausibleDowntimes(MigrationStats s) {
        double u = s.clockUncertaintyMs();
        assertThat(s.downtimeMs()).isBetween(0.0, 10_000.0);
        assertThat(s.resumeMs()).as("COMMIT to running there").isBetween(-u, 10_000.0);
        // The guest's last operation came before the pause ended and its first one after COMMIT was
        // sent (a vCPU may run on until its safe point, and start before the resume is timed).
        assertThat(s.appDowntimeMs()).isBetween(s.downtimeMs() - s.pauseMs() - s.resumeMs() - 2 * u - 1, 10_000.0);
    }

    private static MigrationStats migrate(Duration skew) throws Exception {
        DestinationOptions options = new DestinationOptions(1L << 30, Duration.ofSeconds(30), Workloads::parse, Duration.ofSeconds(2))
                .withClock(HostClock.skewed(skew));
        try (Destinations destination = new Destinations(new Handshake(), options);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=4m,rate=8m"))) {
            vm.start();
            Thread.sleep(100);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
            assertThat(stats.completed()).as(stats.error()).isTrue();
            assertThat(stats.digestVerified()).isTrue();
            VirtualMachine arrived = destination.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            return stats;
        }
    }
}
