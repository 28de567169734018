package io.livemig.migrator.faults;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code source --timeout}: a migration that cannot finish in time is abandoned cleanly, the guest running on the source. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MigrationTimeoutTest {
    private static final long MIB = 1 << 20;

    @Test
    void pastTheTimeoutPreCopyIsAbandonedAndTheGuestRunsOnHere() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(64 * MIB, 1), Workloads.parse("memwrite:wss=32m,rate=64m"));
             Destinations dest = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            vm.start();
            Destinations.awaitOps(vm, 1000);
            // 32 MiB of working set at 4 MiB/s: round 0 alone needs about 8 s; the bound is 1.5 s.
            MigrationOptions options = MigrationOptions.defaults().withBandwidth(4 * MIB).withTimeout(Duration.ofMillis(1500));
            long t0 = System.nanoTime();
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), options, MigrationListener.SILENT,
                    new Handshake(), 0).migrate(transport, dest.address());
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).startsWith("timed out: the migration took longer than --timeout 1500ms (during pre-copy round 0)")
                    .doesNotContain("\n");
            assertThat(seconds).as("abandoned soon after the bound, not hung").isBetween(1.4, 15.0);
            RealJvmFaultTest.assertSourceGuestHealthy(vm);
            assertThatThrownBy(dest::await).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aMigrationWithinItsTimeoutCompletes() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("idle"));
             Destinations dest = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            vm.start();
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(),
                    MigrationOptions.defaults().withTimeout(Duration.ofSeconds(30)), MigrationListener.SILENT, new Handshake(), 0)
                    .migrate(transport, dest.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            VirtualMachine arrived = dest.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).isTrue();
        }
    }
}
