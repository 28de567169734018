package io.livemig.migrator.migration;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
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
 * Cancelling a migration from another thread: before COMMIT the guest stays on the source, running
 * unthrottled and verified, the destination discards its half and can take the next migration;
 * once the migration has committed or ended, a cancel is refused with the reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CancelMigrationTest {
    private static final long MIB = 1 << 20;

    /** Caps every vCPU at 20 % after each round, so a cancel has a throttle to lift. */
    private static final class CapAfterEachRound implements ConvergencePolicy {
        @Override
        public String name() { return "test-cap"; }

        @Override
        public void afterRound(RoundFigures round, CpuScheduler scheduler) { scheduler.setCapAll(20); }
    }

    @Test
    void aCancelDuringARoundGivesTheGuestBackAndTheDestinationTakesTheNextMigration() throws Exception {
        DestinationOptions options = new DestinationOptions(1L << 30, Duration.ofSeconds(20), Workloads::parse, Duration.ofSeconds(1));
        MigrationDestination destination = new MigrationDestination(options, new Handshake());
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 2), Workloads.parse("memwrite:wss=16m,rate=64m"))) {
            HostPort address = new HostPort("127.0.0.1", listener.localAddress().getPort());
            CompletableFuture<String> firstIncoming = receiveOne(destination, listener, "first");
            vm.start();
            // Round 0 must have pages to send however slowly this machine ran the guest so far.
            while (writtenPages(vm) < 2048) Thread.sleep(20);
            vm.scheduler().setCapAll(20); // as a policy would have, and CapAfterEachRound does after each round
            // The migrating thread holds still after round 0's first batch until the cancel is issued:
            // the cancel always lands mid-round, however slowly this machine runs the guest.
            CountDownLatch midRound = new CountDownLatch(1);
            CountDownLatch cancelIssued = new CountDownLatch(1);
            MigrationListener holdMidRound = new MigrationListener() {
                @Override
                public void sending(int round, long pagesSent, long pagesToSend) {
                    if (midRound.getCount() == 0) return;
                    midRound.countDown();
                    try {
                        cancelIssued.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the cancel's interrupt: the migration sees it next
                    }
                }
            };
            MigrationSource source = new MigrationSource(vm, new CapAfterEachRound(), MigrationOptions.defaults().withBandwidth(4 * MIB),
                    holdMidRound, new Handshake(), 0);
            CompletableFuture<MigrationStats> migration = CompletableFuture.supplyAsync(() -> source.migrate(transport, address));
            assertThat(midRound.await(60, TimeUnit.SECONDS)).as(() -> "round 0 under way; threads:\n" + stacks()).isTrue();
            assertThat(vm.scheduler().isThrottled()).isTrue();

            long cancelAt = System.nanoTime();
            Cancellation.Answer answer = source.cancel("test");
            cancelIssued.countDown();
            while (vm.scheduler().isThrottled() || vm.state() != VmState.RUNNING) Thread.onSpinWait();
            long unthrottledNanos = System.nanoTime() - cancelAt;
            MigrationStats stats = migration.get(30, TimeUnit.SECONDS);
            System.out.printf("cancel -> guest unthrottled and running: %.2f ms; migration returned after %.1f ms%n",
                    unthrottledNanos / 1e6, (System.nanoTime() - cancelAt) / 1e6);

            assertThat(answer.accepted()).as(answer.detail()).isTrue();
            assertThat(stats.status()).isEqualTo(MigrationStatus.CANCELLED);
            assertThat(stats.error()).isEqualTo("cancelled: test");
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            assertThat(vm.scheduler().isThrottled()).isFalse();
            Destinations.awaitOps(vm, vm.totalOps() + 100);
            assertThat(vm.verify().ok()).as(vm.verify().detail()).isTrue();
            assertThatThrownBy(() -> firstIncoming.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("the source aborted: cancelled: test");
            assertThat(source.cancel("again").detail()).startsWith("already cancelled");

            // The destination holds nothing of the cancelled guest and takes the same guest again.
            CompletableFuture<String> secondIncoming = receiveOne(destination, listener, "second");
            MigrationStats again = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, address);
            assertThat(again.status()).as(again.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(again.digestVerified()).isTrue();
            assertThat(secondIncoming.get(30, TimeUnit.SECONDS)).isEqualTo("verified");
        }
    }

    @Test
    void aCancelAfterTheMigrationCompletedIsRefused() throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=4m,rate=4m"))) {
            vm.start();
            MigrationSource source = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0);
            MigrationStats stats = source.migrate(transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);

            Cancellation.Answer answer = source.cancel("too late");
            assertThat(answer.accepted()).isFalse();
            assertThat(answer.detail()).isEqualTo("refused: the migration has already ended");
            VirtualMachine arrived = destination.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 10);
            assertThat(arrived.verify().ok()).isTrue();
        }
    }

    @Test
    void aMigrationCancelledBeforeItStartsNeverConnects() throws Exception {
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(16 * MIB, 1), Workloads.parse("idle"))) {
            vm.start();
            Cancellation token = new Cancellation();
            token.cancel("changed my mind");
            // Port 1 on loopback: nothing listens there, so any connect attempt would fail, not cancel.
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).cancellable(token).migrate(transport, new HostPort("127.0.0.1", 1));
            assertThat(stats.status()).isEqualTo(MigrationStatus.CANCELLED);
            assertThat(stats.error()).isEqualTo("cancelled: changed my mind");
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void commitAndCancelRaceThroughOneLock() {
        Cancellation committedFirst = new Cancellation();
        committedFirst.commit();
        Cancellation.Answer refused = committedFirst.cancel("late");
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.detail()).contains("COMMIT");

        Cancellation cancelledFirst = new Cancellation();
        assertThat(cancelledFirst.cancel("early").accepted()).isTrue();
        assertThatThrownBy(cancelledFirst::commit).isInstanceOf(Cancellation.Cancelled.class).hasMessage("early");
    }

    @Test
    void aCancelInterruptsTheBoundThreadOnlyWhileItMigrates() throws Exception {
        Cancellation token = new Cancellation();
        CountDownLatch bound = new CountDownLatch(1);
        CompletableFuture<Boolean> interruptedWhileWaiting = CompletableFuture.supplyAsync(() -> {
            token.bind(() -> { });
            bound.countDown();
            try {
                Thread.sleep(30_000);
                return false;
            } catch (InterruptedException e) {
                token.unbind();
                return !Thread.currentThread().isInterrupted();
            }
        });
        bound.await();
        token.cancel("stop waiting");
        assertThat(interruptedWhileWaiting.get(10, TimeUnit.SECONDS)).as("woken, and the flag cleared by unbind").isTrue();
    }

    /** Receives one migration on its own thread: "verified" when the guest arrived and verifies, else the failure. */
    private static long writtenPages(VirtualMachine vm) {
        long written = 0;
        for (long page = 0; page < vm.memory().pageCount(); page++) if (!vm.memory().isZeroPage(page)) written++;
        return written;
    }

    /** Where every thread of this JVM stands: what a wait that never ended was waiting for. */
    private static String stacks() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            out.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
            for (int i = 0; i < Math.min(12, frames.length); i++) out.append("    at ").append(frames[i]).append('\n');
        });
        return out.toString();
    }

    private static CompletableFuture<String> receiveOne(MigrationDestination destination, Listener listener, String name) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Connection connection = listener.accept(Duration.ofSeconds(60))) {
                try (VirtualMachine vm = destination.receive(connection, name).vm()) {
                    Destinations.awaitOps(vm, vm.totalOps() + 10);
                    result.complete(vm.verify().ok() ? "verified" : vm.verify().detail());
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "test-destination-" + name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
