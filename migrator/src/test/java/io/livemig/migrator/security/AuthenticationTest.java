package io.livemig.migrator.security;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.AuthProof;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutual HMAC challenge-response over real loopback TCP: the right token migrates; a wrong or
 * missing one, or a replayed handshake, is refused before any page moves, and the source guest
 * keeps running and verifies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthenticationTest {
    private static final long MIB = 1 << 20;
    private static final Duration STEP = Duration.ofSeconds(10);
    private static final AuthToken TOKEN = AuthToken.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    private static final AuthToken OTHER = AuthToken.of("correct horse battery stapler".getBytes(StandardCharsets.UTF_8));

    @Test
    void theRightTokenMigrates() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(TOKEN));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(TOKEN), transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(vm.state()).isEqualTo(VmState.MIGRATED);
            VirtualMachine arrived = destination.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
        }
    }

    @Test
    void aWrongTokenIsRefusedBeforeAnyPageMoves() throws Exception {
        MigrationStats stats = refused(new Handshake(OTHER), new Handshake(TOKEN));
        assertThat(stats.error()).contains("authentication failed").contains("the destination does not hold our token");
    }

    @Test
    void aSourceWithoutTokenIsRefusedByADestinationWithOne() throws Exception {
        MigrationStats stats = refused(new Handshake(), new Handshake(TOKEN));
        assertThat(stats.error()).isEqualTo("the destination refused: authentication failed");
    }

    @Test
    void aSourceWithTokenRefusesADestinationWithout() throws Exception {
        MigrationStats stats = refused(new Handshake(TOKEN), new Handshake());
        assertThat(stats.error()).contains("authentication failed: the destination sent no proof");
    }

    /** An eavesdropper records a genuine source's handshake and plays it to the destination again. */
    @Test
    void aReplayedSourceHandshakeFails() throws Exception {
        List<Message> recorded = recordSourceHandshake();
        assertThat(recorded).hasSize(3);
        try (Destinations destination = new Destinations(new Handshake(TOKEN));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Connection replay = transport.connect(destination.address(), STEP)) {
            for (Message m : recorded) replay.send(m);
            assertThat(replay.receive(STEP)).isInstanceOf(HelloAck.class);
            Message answer = replay.receive(STEP);
            assertThat(answer).isEqualTo(new Refuse("authentication failed"));
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("authentication failed: the source does not hold our token");
        }
    }

    /** A destination's proof is bound to the source's fresh nonce: replaying an old HelloAck fails at the source. */
    @Test
    void aReplayedDestinationAnswerFails() throws Exception {
        byte[] oldSourceNonce = new byte[32];
        byte[] oldDestNonce = new byte[32];
        oldDestNonce[0] = 7;
        HelloAck old = new HelloAck(io.livemig.migrator.protocol.ProtocolVersion.CURRENT, oldDestNonce, TOKEN.proof(AuthToken.Role.DESTINATION, oldSourceNonce, oldDestNonce));
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine vm = boot()) {
            CompletableFuture<List<Message>> fake = CompletableFuture.supplyAsync(() -> {
                List<Message> seen = new ArrayList<>();
                try (Connection c = listener.accept(STEP)) {
                    seen.add(c.receive(STEP));
                    c.send(old);
                    seen.add(c.receive(STEP));
                } catch (Exception e) {
                    // the source aborts and closes
                }
                return seen;
            });
            MigrationStats stats = migrate(vm, new Handshake(TOKEN), transport,
                    new HostPort("127.0.0.1", listener.localAddress().getPort()));
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).contains("authentication failed");
            List<Message> seen = fake.get(20, TimeUnit.SECONDS);
            assertThat(seen).noneMatch(m -> m instanceof AuthProof || m instanceof GuestOffer);
            assertSourceGuestHealthy(vm);
        }
    }

    private static List<Message> recordSourceHandshake() throws Exception {
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine vm = boot()) {
            CompletableFuture<List<Message>> recorder = CompletableFuture.supplyAsync(() -> {
                List<Message> seen = new ArrayList<>();
                try (Connection c = listener.accept(STEP)) {
                    Hello hello = (Hello) c.receive(STEP);
                    seen.add(hello);
                    byte[] nd = new byte[32];
                    nd[31] = 1;
                    c.send(new HelloAck(io.livemig.migrator.protocol.ProtocolVersion.CURRENT, nd, TOKEN.proof(AuthToken.Role.DESTINATION, hello.nonce(), nd)));
                    seen.add(c.receive(STEP));
                    seen.add(c.receive(STEP));
                    c.send(new Refuse("recording only"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return seen;
            });
            MigrationStats stats = migrate(vm, new Handshake(TOKEN), transport,
                    new HostPort("127.0.0.1", listener.localAddress().getPort()));
            assertThat(stats.error()).contains("recording only");
            return recorder.get(20, TimeUnit.SECONDS);
        }
    }

    private static MigrationStats refused(Handshake source, Handshake dest) throws Exception {
        try (Destinations destination = new Destinations(dest);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, source, transport, destination.address());
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.transferredBytes()).as("no page moved").isZero();
            assertThat(stats.rounds()).isZero();
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("authentication failed");
            assertSourceGuestHealthy(vm);
            return stats;
        }
    }

    static void assertSourceGuestHealthy(VirtualMachine vm) throws InterruptedException {
        assertThat(vm.state()).isEqualTo(VmState.RUNNING);
        Destinations.awaitOps(vm, vm.totalOps() + 10);
        assertThat(vm.scheduler().isThrottled()).isFalse();
        assertThat(vm.verify().ok()).as(vm.verify().detail()).isTrue();
    }

    private static MigrationStats migrate(VirtualMachine vm, Handshake handshake, Transport transport, HostPort to) {
        return new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(), MigrationListener.SILENT,
                handshake, 0).migrate(transport, to);
    }

    private static VirtualMachine boot() {
        VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=4m,rate=8m"));
        vm.start();
        return vm;
    }
}
