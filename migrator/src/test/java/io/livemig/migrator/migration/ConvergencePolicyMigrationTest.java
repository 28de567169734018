package io.livemig.migrator.migration;

import io.livemig.migrator.stats.StopReason;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The non-converging scenario in CI size: the guest dirties memory several times faster than the
 * link carries it. Original pre-copy runs into its round limit; the throttling policies converge.
 * The full-size figures come from the experiment harness, not from here.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConvergencePolicyMigrationTest {
    private static final long MIB = 1 << 20;
    private static final String HOT_GUEST = "memwrite:wss=16m,rate=64m";
    private static final MigrationOptions SLOW_LINK = MigrationOptions.defaults()
            .withBandwidth(16 * MIB).withDowntimeLimit(Duration.ofMillis(50)).withMaxRounds(8);

    @Test
    void originalPreCopyDoesNotConverge() throws Exception {
        MigrationStats stats = migrate("none");
        assertThat(stats.stopReason()).isIn(StopReason.MAX_ROUNDS, StopReason.MAX_VOLUME);
        assertThat(stats.maxThrottlePct()).isZero();
        RoundStats last = stats.roundsDetail().get(stats.roundsDetail().size() - 1);
        assertThat(last.stopAndCopy()).isTrue();
        assertThat(last.bytes()).as("the stop-and-copy carries a large dirty set").isGreaterThan(4 * MIB);
    }

    @Test
    void cpuSchedulingThrottlesJustEnoughToConverge() throws Exception {
        MigrationStats stats = migrate("cpu-scheduling");
        assertThat(stats.stopReason()).isEqualTo(StopReason.CONVERGED);
        assertThat(stats.maxThrottlePct()).isPositive();
        RoundStats last = stats.roundsDetail().get(stats.roundsDetail().size() - 1);
        assertThat(last.bytes()).as("the last pages fit the downtime limit at the link rate").isLessThan(2 * MIB);
    }

    @Test
    void autoConvergeConverges() throws Exception {
        MigrationStats stats = migrate("auto-converge", SLOW_LINK.withMaxRounds(30));
        assertThat(stats.maxThrottlePct()).isPositive();
    }

    @Test
    void dirtyLimitConverges() throws Exception {
        MigrationStats stats = migrate("dirty-limit", SLOW_LINK.withMaxRounds(30));
        assertThat(stats.stopReason()).isEqualTo(StopReason.CONVERGED);
    }

    private static MigrationStats migrate(String policy) throws Exception {
        return migrate(policy, SLOW_LINK);
    }

    private static MigrationStats migrate(String policy, MigrationOptions options) throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse(HOT_GUEST))) {
            vm.start();
            Thread.sleep(200);
            MigrationStats stats = new MigrationSource(vm, PolicySettings.defaults().create(policy), options,
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(vm.scheduler().isThrottled()).as("caps are lifted when the migration ends").isFalse();
            VirtualMachine arrived = destination.await().vm();
            assertThat(arrived.scheduler().isThrottled()).isFalse();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            return stats;
        }
    }
}
