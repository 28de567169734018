package io.livemig.migrator.migration;

import io.livemig.migrator.stats.StopReason;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
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

/**
 * Whole migrations with both ends in this JVM over real loopback TCP. Every completed migration
 * must end with the digests equal and the workload's own check passing on the destination.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoopbackMigrationTest {
    private static final long MIB = 1 << 20;

    @Test
    void idleGuestMigratesAndKeepsRunning() throws Exception {
        MigrationStats stats = migrateAndCheck("idle", 32 * MIB, 1, MigrationOptions.defaults());
        assertThat(stats.rounds()).isBetween(2, 3);
        assertThat(stats.zeroPages()).isPositive();
    }

    @Test
    void memwriteBelowTheBandwidthConverges() throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=8m,rate=4m", 32 * MIB, 2,
                MigrationOptions.defaults().withBandwidth(64 * MIB));
        assertThat(stats.stopReason()).isEqualTo(StopReason.CONVERGED);
    }

    @Test
    void digestsCanBeComparedAfterTheResumeInstead() throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=8m,rate=4m", 32 * MIB, 1,
                MigrationOptions.defaults().withVerifyAfterResume(true));
        assertThat(stats.error()).isNull();
    }

    @Test
    void kvstoreMigratesWithItsTableIntact() throws Exception {
        migrateAndCheck("kvstore:records=20000,value=128", 32 * MIB, 1, MigrationOptions.defaults());
    }

    @Test
    void aGuestCanBeMigratedOnwardAndBack() throws Exception {
        GuestConfig config = new GuestConfig(32 * MIB, 1);
        VirtualMachine vm = VirtualMachine.boot("a", config, Workloads.parse("memwrite:wss=4m,rate=8m"));
        vm.start();
        for (int hop = 0; hop < 3; hop++) {
            try (Destinations destination = new Destinations();
                 Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
                long opsBefore = vm.totalOps();
                MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
                assertThat(stats.status()).as("hop %d: %s", hop, stats.error()).isEqualTo(MigrationStatus.COMPLETED);
                vm.close();
                vm = destination.takeVm(); // the next hop owns the VM now
                Destinations.awaitOps(vm, opsBefore + 10);
                assertThat(vm.verify().ok()).isTrue();
            }
        }
        vm.close();
    }

    @Test
    void aRefusedGuestKeepsRunningOnTheSource() throws Exception {
        DestinationOptions small = new DestinationOptions(16 * MIB, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1));
        try (Destinations destination = new Destinations(small);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=4m"))) {
            vm.start();
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).contains("the destination refused").contains("--max-memory");
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            long ops = vm.totalOps();
            Destinations.awaitOps(vm, ops + 10);
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    private static MigrationStats migrateAndCheck(String spec, long memory, int vcpus, MigrationOptions options) throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(memory, vcpus), Workloads.parse(spec))) {
            vm.start();
            Thread.sleep(200);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), options, MigrationListener.SILENT,
                    new Handshake(), 0).migrate(transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(stats.downtimeMs()).isPositive();
            assertThat(vm.state()).as("the source never runs the guest again").isEqualTo(VmState.MIGRATED);
            VirtualMachine arrived = destination.await().vm();
            assertThat(arrived.state()).isEqualTo(VmState.RUNNING);
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            return stats;
        }
    }
}
