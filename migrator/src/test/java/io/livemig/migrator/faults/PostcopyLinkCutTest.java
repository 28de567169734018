package io.livemig.migrator.faults;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.GuestLostException;
import io.livemig.migrator.migration.Handshake;

import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.stats.MigrationMode;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.migration.PostcopyOptions;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A link broken during post-copy (every connection reset at once by a relay between the two ends,
 * both in this JVM): both sides pause and keep what they have; the source reconnects and the
 * migration completes with the digests equal. If the source cannot come back within the recover
 * timeout, both sides give the guest up and stop their halves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostcopyLinkCutTest {
    private static final long MIB = 1 << 20;

    @Test
    void aLinkCutDuringPostcopyIsRecoveredAndTheGuestArrivesWhole() throws Exception {
        try (Destinations destination = new Destinations();
             CuttableRelay relay = new CuttableRelay(destination.address());
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 2), Workloads.parse("kvstore:records=40000,value=128"))) {
            vm.start();
            CountDownLatch inPostcopy = new CountDownLatch(1);
            CompletableFuture<MigrationStats> result = migrate(vm, transport, relay, 4 * MIB, Duration.ofSeconds(20), inPostcopy);
            assertThat(inPostcopy.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500);
            assertThat(result).as("a 10 MiB table at 4 MiB/s is still under way").isNotDone();
            relay.cutAll();
            Thread.sleep(300);
            relay.cutAll(); // and once more, whatever had reconnected by then

            MigrationStats stats = result.get(90, TimeUnit.SECONDS);
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(relay.accepted()).as("the source came back on new connections").isGreaterThan(2);
            VirtualMachine arrived = destination.await().vm();
            assertThat(destination.await().digestVerified()).isTrue();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
        }
    }

    @Test
    void aSourceThatCannotComeBackInTimeLosesTheGuestOnBothSidesSaidPlainly() throws Exception {
        try (Destinations destination = new Destinations();
             CuttableRelay relay = new CuttableRelay(destination.address());
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("kvstore:records=40000,value=128"))) {
            vm.start();
            CountDownLatch inPostcopy = new CountDownLatch(1);
            CompletableFuture<MigrationStats> result = migrate(vm, transport, relay, 2 * MIB, Duration.ofSeconds(1), inPostcopy);
            assertThat(inPostcopy.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            assertThat(result).as("the table (about 10 MiB) at 2 MiB/s is still under way").isNotDone();
            relay.refuse(true);
            relay.cutAll();

            MigrationStats stats = result.get(60, TimeUnit.SECONDS);
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).contains("stayed unreachable").contains("the guest is lost");
            assertThat(vm.state()).as("the source stopped its half").isEqualTo(VmState.STOPPED);
            assertThatThrownBy(destination::await)
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(GuestLostException.class)
                    .hasMessageContaining("did not come back");
        }
    }

    private static CompletableFuture<MigrationStats> migrate(VirtualMachine vm, Transport transport, CuttableRelay relay,
                                                             long bandwidth, Duration recoverTimeout, CountDownLatch inPostcopy) {
        MigrationOptions options = MigrationOptions.defaults().withBandwidth(bandwidth)
                .withPostcopy(PostcopyOptions.of(MigrationMode.POSTCOPY).withRecoverTimeout(recoverTimeout));
        MigrationListener listener = new MigrationListener() {
            @Override
            public void phase(String phase) {
                if (phase.equals("post-copy")) inPostcopy.countDown();
            }
        };
        MigrationSource source = new MigrationSource(vm, new NoConvergencePolicy(), options, listener, new Handshake(), 0);
        return CompletableFuture.supplyAsync(() -> source.migrate(transport, relay.address()));
    }

}
