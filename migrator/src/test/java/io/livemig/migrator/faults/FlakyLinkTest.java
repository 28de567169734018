package io.livemig.migrator.faults;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.netlab.LinkSettings;
import io.livemig.migrator.netlab.Proxy;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migrations through {@code livemig proxy} (in this JVM, real loopback sockets) on a link that
 * fails: a reset mid-stream and a stall longer than the stall timeout end the migration cleanly,
 * the guest running on the source and verified; a stall shorter than the timeout is only a delay.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FlakyLinkTest {
    private static final long MIB = 1 << 20;
    private final List<String> proxyLog = new CopyOnWriteArrayList<>();

    @Test
    void aResetMidRoundZeroFailsTheMigrationAndTheGuestRunsOnHereVerified() throws Exception {
        ConnectionOptions options = ConnectionOptions.DEFAULTS;
        try (VirtualMachine vm = boot();
             Destinations dest = new Destinations(new Handshake(), destinationOptions(), options);
             Proxy proxy = Proxy.start(loopback(0), dest.address(), LinkSettings.DIRECT.withReset(6 * MIB), proxyLog::add);
             Transport transport = Transport.create(options)) {
            MigrationStats stats = migrate(vm, transport, proxy);
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).isNotBlank().doesNotContain("\n");
            RealJvmFaultTest.assertSourceGuestHealthy(vm);
            assertThatThrownBy(dest::await).isInstanceOf(ExecutionException.class);
            assertThat(proxyLog).anyMatch(l -> l.startsWith("reset at byte " + 6 * MIB));

            // The reset fires once: the same link then carries a migration to a fresh destination.
            try (Destinations fresh = new Destinations(new Handshake(), destinationOptions(), options);
                 Proxy again = Proxy.start(loopback(0), fresh.address(), LinkSettings.DIRECT, proxyLog::add)) {
                MigrationStats completed = migrate(vm, transport, again);
                assertThat(completed.status()).as(completed.error()).isEqualTo(MigrationStatus.COMPLETED);
                assertThat(completed.digestVerified()).isTrue();
                VirtualMachine arrived = fresh.await().vm();
                Destinations.awaitOps(arrived, arrived.totalOps() + 1);
                assertThat(arrived.verify().ok()).isTrue();
            }
        }
    }

    @Test
    void aStallShorterThanTheStallTimeoutOnlyDelaysTheMigration() throws Exception {
        ConnectionOptions options = ConnectionOptions.DEFAULTS.withStallTimeout(Duration.ofSeconds(4));
        try (VirtualMachine vm = boot();
             Destinations dest = new Destinations(new Handshake(), destinationOptions(), options);
             Proxy proxy = Proxy.start(loopback(0), dest.address(), LinkSettings.DIRECT.withStall(4 * MIB, TimeUnit.MILLISECONDS.toNanos(1500)), proxyLog::add);
             Transport transport = Transport.create(options)) {
            MigrationStats stats = migrate(vm, transport, proxy);
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(stats.totalTimeMs()).as("the stall is in the total").isGreaterThanOrEqualTo(1500);
            VirtualMachine arrived = dest.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).isTrue();
        }
    }

    @Test
    void aStallLongerThanTheStallTimeoutFailsTheMigrationInsteadOfHanging() throws Exception {
        ConnectionOptions options = ConnectionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(1500));
        try (VirtualMachine vm = boot();
             Destinations dest = new Destinations(new Handshake(), destinationOptions(), options);
             Proxy proxy = Proxy.start(loopback(0), dest.address(), LinkSettings.DIRECT.withStall(4 * MIB, TimeUnit.SECONDS.toNanos(30)), proxyLog::add);
             Transport transport = Transport.create(options)) {
            long t0 = System.nanoTime();
            MigrationStats stats = migrate(vm, transport, proxy);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).contains("stalled");
            assertThat(seconds).as("failed well before the 30 s stall ended").isLessThan(20);
            RealJvmFaultTest.assertSourceGuestHealthy(vm);
            assertThatThrownBy(dest::await).isInstanceOf(ExecutionException.class).hasMessageContaining("stalled");
        }
    }

    private static MigrationStats migrate(VirtualMachine vm, Transport transport, Proxy proxy) {
        return new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(), MigrationListener.SILENT,
                new Handshake(), 0).migrate(transport, loopback(proxy.localAddress().getPort()));
    }

    /** 32 MiB, a 16 MiB working set written at 8 MiB/s: round 0 carries about 16 MiB. */
    private static VirtualMachine boot() throws InterruptedException {
        VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=16m,rate=32m"));
        vm.start();
        Destinations.awaitOps(vm, 2000);
        return vm;
    }

    private static DestinationOptions destinationOptions() {
        return new DestinationOptions(1L << 30, Duration.ofSeconds(60), Workloads::parse, Duration.ofSeconds(1));
    }

    private static HostPort loopback(int port) {
        return new HostPort("127.0.0.1", port);
    }
}
