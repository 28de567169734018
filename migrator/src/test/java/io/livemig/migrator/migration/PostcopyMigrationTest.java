package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationMode;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.StopReason;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole post-copy and hybrid migrations, both ends in this JVM over loopback: each ends with the
 * destination's digest of the pages as they landed equal to the source's at the pause, and the
 * workload's own check passing on the destination.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostcopyMigrationTest {
    private static final long MIB = 1 << 20;

    @Test
    void postcopyResumesAtOnceAndEveryPageFollows() throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=24m,pattern=sequential", 32 * MIB, 2,
                options(MigrationMode.POSTCOPY).withBandwidth(32 * MIB));
        assertThat(stats.rounds()).as("no pre-copy round").isZero();
        assertThat(stats.stopReason()).isEqualTo(StopReason.POSTCOPY);
        assertThat(stats.postcopy().mode()).isEqualTo(MigrationMode.POSTCOPY);
        assertThat(stats.postcopy().postcopyFaults()).as("the guest touched pages before they were pushed").isPositive();
        assertThat(stats.postcopy().postcopyPagesRequested()).isPositive().isLessThanOrEqualTo(stats.postcopy().postcopyFaults());
        assertThat(stats.postcopy().postcopyPagesPushed() + stats.postcopy().postcopyPagesRequested())
                .as("every page sent, the requested ones by answer").isGreaterThanOrEqualTo(32 * MIB / 4096);
        assertThat(stats.postcopy().blocktimeMsPerVcpu()).hasSize(2);
        assertThat(stats.postcopy().blocktimeMs()).isPositive();
        assertThat(stats.postcopy().faultLatencyUsMax()).isGreaterThanOrEqualTo(stats.postcopy().faultLatencyUsP99())
                .isGreaterThanOrEqualTo(stats.postcopy().faultLatencyUsP50());
    }

    @Test
    void thePushIsCompressedAsCompressSaysAndTheFiguresCountPagesAndWireApart() throws Exception {
        // Text compresses about 4x with zstd: the push's frames carry the pages in a quarter of their size.
        MigrationStats stats = migrateAndCheck("memwrite:wss=24m,rate=1m,fill=text", 32 * MIB, 1, options(MigrationMode.POSTCOPY)
                .withTransfer(TransferOptions.DEFAULTS.withCompression(CompressionMode.ZSTD)));
        assertThat(stats.compressionRatio()).as("data blocks before / after the codec").isGreaterThan(2);
        assertThat(stats.wireBytes()).as("on the wire").isLessThan(stats.transferredBytes() / 2);
        assertThat(stats.transferredBytes()).as("page data: the pages' own size").isGreaterThanOrEqualTo(24 * MIB);
    }

    @Test
    void postcopyMovesAKvstoreWithItsTableIntact() throws Exception {
        migrateAndCheck("kvstore:records=20000,value=128", 32 * MIB, 1, options(MigrationMode.POSTCOPY));
    }

    @Test
    void hybridSwitchesAfterTheRoundsAskedFor() throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=16m", 32 * MIB, 1,
                MigrationOptions.defaults().withBandwidth(64 * MIB).withDowntimeLimit(java.time.Duration.ofMillis(1))
                        .withPostcopy(PostcopyOptions.of(MigrationMode.HYBRID).withSwitchAfter(2)));
        assertThat(stats.rounds()).isEqualTo(2);
        assertThat(stats.stopReason()).isEqualTo(StopReason.POSTCOPY);
        assertThat(stats.postcopy().mode()).isEqualTo(MigrationMode.HYBRID);
        assertThat(stats.postcopy().postcopyTimeMs()).isPositive();
    }

    @Test
    void hybridSwitchesInRoundZeroWhenTheGuestOutrunsTheLink() throws Exception {
        // A full-speed sequential writer over 30 MiB at 8 MiB/s: round 0 alone would take 4 s and change nothing.
        MigrationStats stats = migrateAndCheck("memwrite:wss=30m,pattern=sequential", 32 * MIB, 1,
                options(MigrationMode.HYBRID).withBandwidth(8 * MIB));
        assertThat(stats.rounds()).as("cut short in round 0").isEqualTo(1);
        assertThat(stats.roundsDetail().get(0).pages()).isLessThan(32 * MIB / 4096);
        assertThat(stats.stopReason()).isEqualTo(StopReason.POSTCOPY);
        assertThat(stats.totalTimeMs()).as("about memory / bandwidth, not twice it").isLessThan(8_000);
    }

    @Test
    void hybridThatConvergesEndsWithAnOrdinaryStopAndCopy() throws Exception {
        MigrationStats stats = migrateAndCheck("idle", 32 * MIB, 1, options(MigrationMode.HYBRID));
        assertThat(stats.stopReason()).isEqualTo(StopReason.CONVERGED);
        assertThat(stats.postcopy().mode()).isEqualTo(MigrationMode.HYBRID);
        assertThat(stats.postcopy().postcopyTimeMs()).isZero();
    }

    @Test
    void aGuestThatArrivedByPostcopyCanBeMigratedOnwardByPostcopy() throws Exception {
        VirtualMachine vm = VirtualMachine.boot("a", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=8m,rate=8m"));
        vm.start();
        for (int hop = 0; hop < 2; hop++) {
            try (Destinations destination = new Destinations();
                 Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
                MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), options(MigrationMode.POSTCOPY),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
                assertThat(stats.status().json()).as("hop %d: %s", hop, stats.error()).isEqualTo("completed");
                vm.close();
                vm = destination.takeVm();
                Destinations.awaitOps(vm, vm.totalOps() + 10);
                assertThat(vm.verify().ok()).isTrue();
            }
        }
        vm.close();
    }

    private static MigrationOptions options(MigrationMode mode) {
        return MigrationOptions.defaults().withPostcopy(PostcopyOptions.of(mode));
    }

    static MigrationStats migrateAndCheck(String spec, long memory, int vcpus, MigrationOptions options) throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(memory, vcpus), Workloads.parse(spec))) {
            vm.start();
            Thread.sleep(200);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), options, MigrationListener.SILENT,
                    new Handshake(), 0).migrate(transport, destination.address());
            assertThat(stats.status().json()).as(stats.error()).isEqualTo("completed");
            assertThat(stats.digestVerified()).isTrue();
            assertThat(stats.downtimeMs()).isPositive();
            assertThat(vm.state()).as("the source never runs the guest again").isEqualTo(VmState.MIGRATED);
            MigrationDestination.Incoming arrived = destination.await();
            assertThat(arrived.digestVerified()).isTrue();
            VirtualMachine guest = arrived.vm();
            assertThat(guest.state()).isEqualTo(VmState.RUNNING);
            Destinations.awaitOps(guest, guest.totalOps() + 1);
            assertThat(guest.verify().ok()).as(guest.verify().detail()).isTrue();
            return stats;
        }
    }
}
