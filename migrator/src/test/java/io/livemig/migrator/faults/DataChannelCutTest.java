package io.livemig.migrator.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.migration.TransferOptions;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.ChannelAttach;
import io.livemig.migrator.protocol.ChannelPlan;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.migration.ClockSync;
import io.livemig.migrator.protocol.ClockProbe;
import io.livemig.workloads.Workloads;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A data channel that breaks in the middle of round 0 fails the migration as a broken control
 * connection does: the source resumes its guest, which passes its own check, and it migrates fine
 * afterwards to a healthy destination.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DataChannelCutTest {
    private static final long MIB = 1 << 20;
    private static final Duration STEP = Duration.ofSeconds(10);

    @Test
    void aCutDataChannelFailsTheMigrationAndTheGuestStaysHere() throws Exception {
        MigrationOptions twoChannels = MigrationOptions.defaults().withTransfer(TransferOptions.DEFAULTS.withChannels(2));
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS, 3);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=16m,rate=8m,fill=random"))) {
            vm.start();
            CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> cutOneChannel(listener));
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), twoChannels, MigrationListener.SILENT,
                    new Handshake(), 0).migrate(transport, new HostPort("127.0.0.1", listener.localAddress().getPort()));
            fake.get(30, TimeUnit.SECONDS);

            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).isNotBlank();
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            RealJvmFaultTest.assertSourceGuestHealthy(vm);
            try (Destinations healthy = new Destinations()) {
                MigrationStats again = new MigrationSource(vm, new NoConvergencePolicy(), twoChannels, MigrationListener.SILENT,
                        new Handshake(), 0).migrate(transport, healthy.address());
                assertThat(again.status()).as(again.error()).isEqualTo(MigrationStatus.COMPLETED);
                VirtualMachine arrived = healthy.await().vm();
                Destinations.awaitOps(arrived, arrived.totalOps() + 1);
                assertThat(arrived.verify().ok()).isTrue();
            }
        }
    }

    /** A destination that accepts the guest and both channels, then hangs up channel 1 at its first batch. */
    private static void cutOneChannel(Listener listener) {
        try (Connection control = listener.accept(STEP)) {
            handshake(control);
            control.receive(STEP); // GuestOffer
            control.send(new Accept()).await(5000);
            Message next = control.receive(STEP);
            while (next instanceof ClockProbe probe) { // the source's clock samples come first
                control.send(ClockSync.answer(probe, HostClock.SYSTEM));
                next = control.receive(STEP);
            }
            assertThat(next).isInstanceOf(ChannelPlan.class);
            Connection[] data = new Connection[2];
            for (int i = 0; i < 2; i++) {
                data[i] = listener.accept(STEP);
                handshake(data[i]);
                ChannelAttach attach = (ChannelAttach) data[i].receive(STEP);
                data[i].send(new Accept());
            }
            while (true) {
                Message m = data[1].receive(STEP);
                ReferenceCountUtil.release(m);
                if (m instanceof PageBatch) break;
            }
            data[1].close();  // the cut, mid round 0
            try {
                while (true) ReferenceCountUtil.release(control.receive(STEP));  // until the source gives up
            } catch (Exception expected) {
                // the source aborted and closed
            }
            data[0].close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void handshake(Connection c) throws Exception {
        assertThat(c.receive(STEP)).isInstanceOf(Hello.class);
        c.send(new HelloAck(ProtocolVersion.CURRENT, new byte[32], new byte[0]));
        c.receive(STEP); // AuthProof
    }
}
