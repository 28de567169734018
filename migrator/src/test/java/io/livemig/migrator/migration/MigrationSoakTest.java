package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.e2e.ProcessResources;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kvstore guest migrated back and forth 20 times over loopback (both endpoints in this JVM):
 * every hop completes with the digests equal and the table verified, and nothing accumulates:
 * threads, file descriptors and heap stay flat. The long form (200 hops, larger guest) is
 * {@code bench/matrices} territory; see docs/reliability.md.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MigrationSoakTest {
    private static final int HOPS = 20;

    @Test
    void twentyHopsLeakNothing() throws Exception {
        GuestConfig config = new GuestConfig(16L << 20, 1);
        VirtualMachine vm = VirtualMachine.boot("soak", config, Workloads.parse("kvstore:records=20000,value=64"));
        vm.start();
        ProcessResources baseline = null;
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            for (int hop = 0; hop < HOPS; hop++) {
                try (Destinations destination = new Destinations()) {
                    long opsBefore = vm.totalOps();
                    MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                            MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
                    assertThat(stats.status()).as("hop %d: %s", hop, stats.error()).isEqualTo(MigrationStatus.COMPLETED);
                    assertThat(stats.digestVerified()).isTrue();
                    vm.close();
                    vm = destination.takeVm();
                    Destinations.awaitOps(vm, opsBefore + 1);
                    assertThat(vm.verify().ok()).as("hop %d", hop).isTrue();
                }
                if (hop == 2) baseline = ProcessResources.now(); // after warm-up: pools and event loops exist
            }
            ProcessResources after = ProcessResources.now();
            assertThat(after.threads()).as("threads").isLessThanOrEqualTo(baseline.threads() + 2);
            assertThat(after.fileDescriptors()).as("file descriptors").isLessThanOrEqualTo(baseline.fileDescriptors() + 4);
            assertThat(after.heapBytes()).as("heap bytes after GC").isLessThan(baseline.heapBytes() + (32L << 20));
        } finally {
            vm.close();
        }
    }
}
