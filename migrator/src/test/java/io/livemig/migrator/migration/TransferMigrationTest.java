package io.livemig.migrator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Migrations with compression and XBZRLE deltas, both ends in this JVM over loopback TCP; each
 * ends with the digests equal and the workload's own check (fill bytes included) passing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransferMigrationTest {
    private static final long MIB = 1 << 20;

    @ParameterizedTest
    @EnumSource(value = CompressionMode.class, names = {"LZ4", "ZSTD"})
    void compressedPagesOfTextArriveIntact(CompressionMode mode) throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=8m,rate=4m,fill=text", 32 * MIB,
                options(TransferOptions.DEFAULTS.withCompression(mode)));
        assertThat(stats.compression()).isEqualTo(mode.word());
        assertThat(stats.compressionRatio()).isGreaterThan(1.5);
        assertThat(stats.wireBytes()).isLessThan(stats.transferredBytes());
    }

    @Test
    void autoCompressionMigratesOnAnyLink() throws Exception {
        MigrationStats fast = migrateAndCheck("memwrite:wss=8m,rate=4m,fill=mixed", 32 * MIB,
                options(TransferOptions.DEFAULTS.withCompression(CompressionMode.AUTO)));
        assertThat(fast.compression()).isEqualTo("auto");
        MigrationStats slow = migrateAndCheck("memwrite:wss=8m,rate=1m,fill=text", 32 * MIB,
                options(TransferOptions.DEFAULTS.withCompression(CompressionMode.AUTO)).withBandwidth(8 * MIB));
        assertThat(slow.compressionRatio()).as("a slow link takes a codec (none sends 1:1)").isGreaterThan(1.2);
    }

    @Test
    void pagesSentBeforeTravelAsDeltas() throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=8m,rate=16m,pattern=sequential,fill=text", 32 * MIB,
                options(TransferOptions.DEFAULTS.withXbzrle(16 * MIB)).withBandwidth(32 * MIB));
        assertThat(stats.deltaPages()).isPositive();
        assertThat(stats.deltaCacheMisses()).isPositive();  // round 0 fills the cache
        assertThat(stats.wireBytes()).isLessThan(stats.transferredBytes());
    }

    @Test
    void deltasAndCompressionTogether() throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=8m,rate=16m,fill=mixed", 32 * MIB,
                options(TransferOptions.DEFAULTS.withXbzrle(4 * MIB).withCompression(CompressionMode.LZ4)).withBandwidth(32 * MIB));
        assertThat(stats.deltaPages()).isPositive();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 4})
    void pagesSpreadOverDataChannelsArriveIntact(int channels) throws Exception {
        MigrationStats stats = migrateAndCheck("memwrite:wss=8m,rate=8m,fill=mixed", 32 * MIB,
                options(TransferOptions.DEFAULTS.withChannels(channels)));
        assertThat(stats.channels()).isEqualTo(channels);
        assertThat(stats.rounds()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void channelsWithCompressionAndDeltas() throws Exception {
        migrateAndCheck("memwrite:wss=8m,rate=16m,pattern=sequential,fill=text", 32 * MIB,
                options(TransferOptions.DEFAULTS.withChannels(2).withCompression(CompressionMode.LZ4).withXbzrle(8 * MIB))
                        .withBandwidth(32 * MIB));
    }

        static MigrationOptions options(TransferOptions transfer) {
        return MigrationOptions.defaults().withTransfer(transfer);
    }

    static MigrationStats migrateAndCheck(String spec, long memory, MigrationOptions options) throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(memory, 1), Workloads.parse(spec))) {
            vm.start();
            Thread.sleep(200);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), options, MigrationListener.SILENT,
                    new Handshake(), 0).migrate(transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(vm.state()).isEqualTo(VmState.MIGRATED);
            VirtualMachine arrived = destination.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            return stats;
        }
    }
}
