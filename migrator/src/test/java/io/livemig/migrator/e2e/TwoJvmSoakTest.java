package io.livemig.migrator.e2e;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak across processes: a kvstore guest goes from this JVM to a {@code livemig dest} JVM and
 * comes back ({@code --forward-to}), 10 round trips = 20 migrations between two JVMs, verified
 * after every return, digests equal every time; this JVM's threads, file descriptors and heap stay
 * flat across the trips.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TwoJvmSoakTest {
    private static final int ROUND_TRIPS = 10;

    @Test
    void tenRoundTripsBetweenTwoJvmsLeakNothing() throws Exception {
        DestinationOptions options = DestinationOptions.defaults(Workloads::parse);
        VirtualMachine vm = VirtualMachine.boot("home", new GuestConfig(16L << 20, 1), Workloads.parse("kvstore:records=20000,value=64"));
        vm.start();
        ProcessResources baseline = null;
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener home = transport.listen(new HostPort("127.0.0.1", 0))) {
            for (int trip = 1; trip <= ROUND_TRIPS; trip++) {
                try (ChildJvm away = ChildJvm.livemig("away", List.of("dest", "--listen", "127.0.0.1:0",
                        "--forward-to", "127.0.0.1:" + home.localAddress().getPort(), "--forward-after", "200ms"))) {
                    long opsBefore = vm.totalOps();
                    MigrationStats out = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                            MigrationListener.SILENT, new Handshake(), 0)
                            .migrate(transport, new HostPort("127.0.0.1", away.awaitListening(Duration.ofSeconds(60))));
                    assertThat(out.status()).as("trip %d out: %s", trip, out.error()).isEqualTo(MigrationStatus.COMPLETED);
                    assertThat(out.digestVerified()).isTrue();
                    vm.close();
                    try (Connection back = home.accept(Duration.ofSeconds(60))) {
                        vm = new MigrationDestination(options, new Handshake()).receive(back, "home").vm();
                    }
                    assertThat(vm.totalOps()).as("trip %d: ops continued away", trip).isGreaterThan(opsBefore);
                    assertThat(vm.verify().ok()).as("trip %d", trip).isTrue();
                    assertThat(away.awaitExit(Duration.ofSeconds(30))).as(away.output()).isZero();
                }
                if (trip == 2) baseline = ProcessResources.now();
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
