package io.livemig.migrator.faults;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.Ready;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection cut, deterministically, at each phase by a fake destination in this JVM that
 * speaks the protocol and hangs up at a chosen message. Before COMMIT the source fails with a
 * reason and its guest runs on, verified, and then migrates to a real destination; after COMMIT
 * it never resumes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PhaseCutTest {
    private static final long MIB = 1 << 20;
    private static final Duration STEP = Duration.ofSeconds(10);

    enum Cut { DURING_HANDSHAKE, AFTER_ACCEPT, MID_ROUND_0, BEFORE_READY, ABORT_INSTEAD_OF_READY, COMMIT_LOST, AFTER_COMMIT }

    @ParameterizedTest
    @EnumSource(Cut.class)
    void aCutConnectionLosesNothing(Cut cut) throws Exception {
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=4m,rate=8m"))) {
            vm.start();
            CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> fakeDestination(listener, cut));
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0)
                    .migrate(transport, new HostPort("127.0.0.1", listener.localAddress().getPort()));
            fake.get(20, TimeUnit.SECONDS);
            if (cut == Cut.AFTER_COMMIT) {
                assertThat(stats.status()).as("the destination read COMMIT: it owns the guest").isEqualTo(MigrationStatus.COMPLETED);
                assertThat(stats.error()).contains("RESUMED was lost").contains("confirmed it runs the guest");
                assertThat(vm.state()).as("never resumed here").isEqualTo(VmState.MIGRATED);
                return;
            }
            if (cut == Cut.COMMIT_LOST) {
                assertThat(stats.error()).as("asked, the destination said it never read COMMIT")
                        .contains("COMMIT did not reach the destination");
            }
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).isNotBlank();
            RealJvmFaultTest.assertSourceGuestHealthy(vm);
            try (Destinations fresh = new Destinations(new Handshake())) {
                MigrationStats again = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, fresh.address());
                assertThat(again.status()).as(again.error()).isEqualTo(MigrationStatus.COMPLETED);
                VirtualMachine arrived = fresh.await().vm();
                Destinations.awaitOps(arrived, arrived.totalOps() + 1);
                assertThat(arrived.verify().ok()).isTrue();
            }
        }
    }

    private static void fakeDestination(Listener listener, Cut cut) {
        try (Connection c = listener.accept(STEP)) {
            Message hello = c.receive(STEP);
            assertThat(hello).isInstanceOf(Hello.class);
            if (cut == Cut.DURING_HANDSHAKE) return;
            c.send(new HelloAck(io.livemig.migrator.protocol.ProtocolVersion.CURRENT, new byte[32], new byte[0]));
            c.receive(STEP); // AuthProof
            c.receive(STEP); // GuestOffer
            c.send(new Accept()).await(5000);
            if (cut == Cut.AFTER_ACCEPT) return;
            while (true) {
                Message m = c.receive(STEP);
                ReferenceCountUtil.release(m);
                if (m instanceof PageBatch && cut == Cut.MID_ROUND_0) return;
                if (m instanceof io.livemig.migrator.protocol.ClockProbe probe) {
                    c.send(new io.livemig.migrator.protocol.ClockReply(probe.sourceNanos(), System.nanoTime(),
                            io.livemig.emulator.WallClock.SYSTEM.currentTimeMicros()));
                }
                if (m instanceof io.livemig.migrator.protocol.RoundEnd end) {
                    c.send(new io.livemig.migrator.protocol.RoundAck(end.round(), end.pagesSent()));
                }
                if (m instanceof StopAndCopyDone) break;
            }
            switch (cut) {
                case BEFORE_READY -> { return; }
                case ABORT_INSTEAD_OF_READY -> c.send(new Abort("digest mismatch (simulated)")).await(5000);
                case COMMIT_LOST -> {
                    // COMMIT reaches the socket but is treated as lost in transit: hang up, then say it never came.
                    c.send(new Ready());
                    assertThat(c.receive(STEP)).isInstanceOf(Commit.class);
                }
                default -> {
                    c.send(new Ready());
                    assertThat(c.receive(STEP)).isInstanceOf(Commit.class);
                }
            }
        } catch (Exception e) {
            if (!(e instanceof io.livemig.migrator.transport.ConnectionException)) throw new IllegalStateException(e);
        }
        if (cut == Cut.COMMIT_LOST || cut == Cut.AFTER_COMMIT) answerOutcomeQuery(listener, cut == Cut.AFTER_COMMIT);
    }

    /** The source, in doubt, comes back on a new connection and asks whether COMMIT arrived. */
    private static void answerOutcomeQuery(Listener listener, boolean committed) {
        try (Connection c = listener.accept(STEP)) {
            assertThat(c.receive(STEP)).isInstanceOf(Hello.class);
            c.send(new HelloAck(io.livemig.migrator.protocol.ProtocolVersion.CURRENT, new byte[32], new byte[0]));
            c.receive(STEP); // AuthProof
            assertThat(c.receive(STEP)).isInstanceOf(io.livemig.migrator.protocol.OutcomeQuery.class);
            c.send(new io.livemig.migrator.protocol.Outcome(committed)).await(5000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
