package io.livemig.migrator.faults;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.CpuSchedulingPolicy;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.AuthProof;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Faults with a real second JVM ({@code livemig dest}) on loopback; every child is stopped by PID. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealJvmFaultTest {
    private static final long MIB = 1 << 20;
    private static final Duration STEP = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /**
     * kill -9 of the destination JVM in round 1 (after the policy throttled the guest): the source
     * fails with a reason, resumes unthrottled and verified, and then migrates to a fresh destination.
     */
    @Test
    void killingTheDestinationMidPreCopyLeavesTheGuestRunningOnTheSource() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(64 * MIB, 1),
                Workloads.parse("memwrite:wss=24m,rate=64m"));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             SpawnedDestination dest = new SpawnedDestination(dir, "--run-for", "2s")) {
            vm.start();
            CountDownLatch inRound1 = new CountDownLatch(1);
            MigrationListener listener = new MigrationListener() {
                @Override
                public void round(RoundStats round, long remainingDirtyBytes) {
                    if (round.round() == 0) inRound1.countDown();
                }
            };
            MigrationSource source = new MigrationSource(vm, new CpuSchedulingPolicy(),
                    MigrationOptions.defaults().withBandwidth(8 * MIB), listener, new Handshake(), 0);
            CompletableFuture<MigrationStats> result = CompletableFuture.supplyAsync(() -> source.migrate(transport, dest.address()));
            assertThat(inRound1.await(30, TimeUnit.SECONDS)).as("round 0 ended").isTrue();
            Thread.sleep(200);
            assertThat(result).isNotDone();
            dest.kill9();
            MigrationStats stats = result.get(60, TimeUnit.SECONDS);

            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).isNotBlank();
            assertThat(stats.maxThrottlePct()).as("the policy had throttled the guest").isPositive();
            assertSourceGuestHealthy(vm);

            try (Destinations fresh = new Destinations(new Handshake())) {
                MigrationStats again = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, fresh.address());
                assertThat(again.status()).as(again.error()).isEqualTo(MigrationStatus.COMPLETED);
                VirtualMachine arrived = fresh.await().vm();
                Destinations.awaitOps(arrived, arrived.totalOps() + 1);
                assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            }
        }
    }

    /**
     * A destination JVM whose source vanishes mid-round (connection closed after some pages)
     * discards the partial guest, says so in one line, listens again, and then receives a whole
     * migration, runs it and verifies it.
     */
    @Test
    void aDestinationThatLosesItsSourceListensAgainAndThenReceives() throws Exception {
        Path stats = dir.resolve("dest.json");
        try (SpawnedDestination dest = new SpawnedDestination(dir, "--run-for", "1s", "--stats-json", stats.toString());
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            try (Connection c = transport.connect(dest.address(), STEP)) {
                c.send(new Hello(ProtocolVersion.CURRENT, new byte[32]));
                assertThat(c.receive(STEP)).isInstanceOf(HelloAck.class);
                c.send(new AuthProof(new byte[0]));
                c.send(new GuestOffer(32 * MIB, 4096, 1, "idle", OfferMode.PRECOPY));
                assertThat(c.receive(STEP)).isInstanceOf(Accept.class);
                PageBatchEncoder encoder = new PageBatchEncoder(4096, 256 * 1024);
                encoder.beginBatch(c.alloc());
                for (long page = 0; page < 16; page++) encoder.addPage(new FilledPages(4096), page);
                c.sendPages(encoder.finishBatch()).await(5000);
            } // the source is gone mid-round
            awaitText(dest, "failed", 20);
            assertThat(dest.err()).contains("incoming migration from").contains("failed");

            try (VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("kvstore:records=5000,value=64"))) {
                vm.start();
                MigrationStats result = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, dest.address());
                assertThat(result.status()).as(result.error()).isEqualTo(MigrationStatus.COMPLETED);
                assertThat(vm.state()).isEqualTo(VmState.MIGRATED);
            }
            assertThat(dest.awaitExit(30)).as(dest.err()).isZero();
            assertThat(Files.readString(stats)).containsPattern("\"status\"\\s*:\\s*\"completed\"").containsPattern("\"verified\"\\s*:\\s*true");
        }
    }

    static void awaitText(SpawnedDestination dest, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!dest.err().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError("dest never said '" + text + "': " + dest.err());
            Thread.sleep(50);
        }
    }

    static void assertSourceGuestHealthy(VirtualMachine vm) throws InterruptedException {
        assertThat(vm.state()).isEqualTo(VmState.RUNNING);
        Destinations.awaitOps(vm, vm.totalOps() + 10);
        assertThat(vm.scheduler().isThrottled()).as("caps lifted").isFalse();
        assertThat(vm.verify().ok()).as(vm.verify().detail()).isTrue();
    }
}
