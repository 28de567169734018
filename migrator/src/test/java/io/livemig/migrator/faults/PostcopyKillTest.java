package io.livemig.migrator.faults;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.GuestLostException;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.stats.MigrationMode;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.migration.PostcopyOptions;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kill -9 of either process during post-copy, with real JVMs. Neither side holds the whole guest
 * then, so it is lost: the surviving side says so plainly, fails, and stops its half (within the
 * recover timeout, here short).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostcopyKillTest {
    private static final long MIB = 1 << 20;
    /** A guest whose memory is mostly non-zero from boot: 131,072 slots of 280 bytes (zero pages would cost 8 bytes each). */
    private static final String TABLE_37_MIB = "kvstore:records=90000,value=256";

    @TempDir
    Path dir;

    @Test
    void aSourceWhoseDestinationIsKilledDuringPostcopyFailsAndStopsItsHalf() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(64 * MIB, 1), Workloads.parse(TABLE_37_MIB));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             SpawnedDestination dest = new SpawnedDestination(dir, "--run-for", "30s")) {
            vm.start();
            // Post-copy sends written pages whole and unwritten ones as a zero entry: 32 MiB written
            // take 4 s at 8 MiB/s, however fast or slow this machine brought the guest to this point.
            while (writtenBytes(vm) < 32 * MIB) Thread.sleep(50);
            CountDownLatch inPostcopy = new CountDownLatch(1);
            MigrationListener listener = new MigrationListener() {
                @Override
                public void phase(String phase) {
                    if (phase.equals("post-copy")) inPostcopy.countDown();
                }
            };
            MigrationOptions options = MigrationOptions.defaults().withBandwidth(8 * MIB)
                    .withPostcopy(PostcopyOptions.of(MigrationMode.POSTCOPY).withRecoverTimeout(Duration.ofSeconds(2)));
            MigrationSource source = new MigrationSource(vm, new NoConvergencePolicy(), options, listener, new Handshake(), 0);
            CompletableFuture<MigrationStats> result = CompletableFuture.supplyAsync(() -> source.migrate(transport, dest.address()));
            assertThat(inPostcopy.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1000);
            assertThat(result).as("a 37 MiB table at 8 MiB/s is still under way").isNotDone();
            dest.kill9();

            MigrationStats stats = result.get(60, TimeUnit.SECONDS);
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).contains("the guest is lost");
            assertThat(stats.postcopy().mode()).isEqualTo(MigrationMode.POSTCOPY);
            assertThat(vm.state()).as("the source stopped its half").isEqualTo(VmState.STOPPED);
        }
    }

    @Test
    void aDestinationWhoseSourceIsKilledDuringPostcopyGivesTheGuestUpWithTheReason() throws Exception {
        DestinationOptions options = new DestinationOptions(1L << 30, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1));
        try (Destinations destination = new Destinations(options);
             ChildJvm source = ChildJvm.livemig("source", List.of("source", "--memory", "64m", "--vcpus", "1",
                     "--workload", TABLE_37_MIB, "--to", destination.address().toString(),
                     "--mode", "postcopy", "--bandwidth", "4m", "--postcopy-recover-timeout", "1s", "--migrate-after", "200ms"))) {
            awaitOutput(source, "switching to post-copy", 60);
            Thread.sleep(1000); // a 37 MiB table at 4 MiB/s: post-copy is far from over
            assertThat(source.isAlive()).as(source.output()).isTrue();
            source.kill();

            assertThatThrownBy(destination::await)
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(GuestLostException.class)
                    .hasMessageContaining("did not come back")
                    .hasMessageContaining("the guest is lost");
        }
    }

    private static long writtenBytes(VirtualMachine vm) {
        long written = 0;
        for (long page = 0; page < vm.memory().pageCount(); page++) if (!vm.memory().isZeroPage(page)) written++;
        return written * vm.memory().pageSize();
    }

    private static void awaitOutput(ChildJvm child, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!child.output().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError("child never printed '" + text + "': " + child.output());
            Thread.sleep(20);
        }
    }
}
