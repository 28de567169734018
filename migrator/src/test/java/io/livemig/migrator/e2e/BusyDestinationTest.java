package io.livemig.migrator.e2e;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A destination JVM takes one migration at a time: a second source is refused, and keeps its guest. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BusyDestinationTest {
    private static final long MIB = 1 << 20;

    @Test
    void aSecondSourceIsRefusedWhileAMigrationIsInProgress() throws Exception {
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s"));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine first = VirtualMachine.boot("first", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=16m,rate=4m"));
             VirtualMachine second = VirtualMachine.boot("second", new GuestConfig(32 * MIB, 1), Workloads.parse("idle"))) {
            HostPort to = new HostPort("127.0.0.1", dest.awaitListening(Duration.ofSeconds(60)));
            first.start();
            second.start();
            CountDownLatch preCopying = new CountDownLatch(1);
            MigrationListener listener = new MigrationListener() {
                @Override
                public void phase(String phase) {
                    if (phase.equals("pre-copy")) preCopying.countDown();
                }
            };
            // 16 MiB at 4 MiB/s: round 0 alone keeps the destination busy for seconds.
            MigrationSource slow = new MigrationSource(first, new NoConvergencePolicy(),
                    MigrationOptions.defaults().withBandwidth(4 * MIB), listener, new Handshake(), 0);
            CompletableFuture<MigrationStats> firstResult = CompletableFuture.supplyAsync(() -> slow.migrate(transport, to));
            assertThat(preCopying.await(30, TimeUnit.SECONDS)).isTrue();

            MigrationStats refused = new MigrationSource(second, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, to);
            assertThat(refused.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(refused.error()).contains("busy");
            assertThat(second.state()).isEqualTo(VmState.RUNNING);
            assertThat(second.verify().ok()).isTrue();

            MigrationStats completed = firstResult.get(90, TimeUnit.SECONDS);
            assertThat(completed.status()).as(completed.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(dest.awaitExit(Duration.ofSeconds(60))).as(dest.output()).isZero();
        }
    }
}
