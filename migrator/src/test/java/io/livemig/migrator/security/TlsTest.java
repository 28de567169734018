package io.livemig.migrator.security;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutual TLS over real loopback TCP with certificates made at test time: a CA-signed pair
 * migrates; a peer without a CA-signed certificate, or without TLS, is refused before any page
 * moves, the source guest keeps running, and the destination goes on accepting; the token
 * handshake runs inside TLS.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final long MIB = 1 << 20;
    private static final AuthToken TOKEN = AuthToken.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    private static final AuthToken OTHER = AuthToken.of("another token".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path dir;
    static ConnectionOptions destTls;
    static ConnectionOptions sourceTls;
    /** Trusts the CA, but its own certificate is signed by a rogue CA. */
    static ConnectionOptions rogueSourceTls;
    /** Same, for a destination. */
    static ConnectionOptions rogueDestTls;
    /** CA-signed, but for another address than the one the source connects to. */
    static ConnectionOptions elsewhereDestTls;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(dir, "ca");
        TestCertificates.Ca rogue = TestCertificates.ca(dir, "rogue-ca");
        destTls = options(TestCertificates.identity(dir, ca, "dest"), ca);
        sourceTls = options(TestCertificates.identity(dir, ca, "source"), ca);
        rogueSourceTls = options(TestCertificates.identity(dir, rogue, "rogue-source"), ca);
        rogueDestTls = options(TestCertificates.identity(dir, rogue, "rogue-dest"), ca);
        elsewhereDestTls = options(TestCertificates.identity(dir, ca, "elsewhere-dest",
                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress, "10.9.8.7")), ca);
    }

    private static ConnectionOptions options(TestCertificates.Identity id, TestCertificates.Ca ca) {
        return TlsFiles.options(ConnectionOptions.DEFAULTS, id.certFile(), id.keyFile(), ca.certFile());
    }

    @Test
    void aMigrationOverMutualTlsCompletesWithTheDigestVerified() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(), destTls);
             Transport transport = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(), transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(vm.state()).isEqualTo(VmState.MIGRATED);
            VirtualMachine arrived = destination.await().vm();
            Destinations.awaitOps(arrived, arrived.totalOps() + 1);
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
        }
    }

    @Test
    void aSourceWhoseCertificateIsNotSignedByTheCaIsRefused() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(), destTls);
             Transport transport = Transport.create(rogueSourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(), transport, destination.address());
            assertRefusedBeforeAnyPage(stats, vm);
            assertThat(stats.error()).contains("TLS");
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("TLS handshake with");
        }
    }

    @Test
    void aDestinationWhoseCertificateIsNotSignedByTheCaIsRefusedByTheSource() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(), rogueDestTls);
             Transport transport = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(), transport, destination.address());
            assertRefusedBeforeAnyPage(stats, vm);
            assertThat(stats.error()).contains("TLS handshake with").containsIgnoringCase("certif");
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void theSourceRefusesACaSignedDestinationCertificateForAnotherAddress() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(), elsewhereDestTls);
             Transport transport = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(), transport, destination.address());
            assertRefusedBeforeAnyPage(stats, vm);
            assertThat(stats.error()).contains("TLS handshake with").contains("127.0.0.1");
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aPlaintextSourceFailsCleanlyAndTheDestinationThenAcceptsATlsMigration() throws Exception {
        MigrationDestination receiver = new MigrationDestination(
                new DestinationOptions(1L << 30, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1)), new Handshake());
        try (Transport destTransport = Transport.create(destTls);
             Listener listener = destTransport.listen(new HostPort("127.0.0.1", 0));
             Transport plain = Transport.create(ConnectionOptions.DEFAULTS);
             Transport tls = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            List<String> failures = new ArrayList<>();
            CompletableFuture<MigrationDestination.Incoming> arrived = CompletableFuture.supplyAsync(() -> {
                for (int i = 0; i < 2; i++) { // as DestCommand: a failed migration, then listen again
                    try (Connection c = listener.accept(Duration.ofSeconds(30))) {
                        return receiver.receive(c, "dest");
                    } catch (Exception e) {
                        failures.add(e.getMessage());
                    }
                }
                throw new IllegalStateException("no migration arrived: " + failures);
            });
            HostPort to = new HostPort("127.0.0.1", listener.localAddress().getPort());

            MigrationStats refused = migrate(vm, new Handshake(), plain, to);
            assertRefusedBeforeAnyPage(refused, vm);

            MigrationStats stats = migrate(vm, new Handshake(), tls, to);
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            MigrationDestination.Incoming incoming = arrived.get(30, TimeUnit.SECONDS);
            try (VirtualMachine guest = incoming.vm()) {
                assertThat(failures).singleElement().asString().contains("TLS handshake with").contains("does not speak TLS");
                Destinations.awaitOps(guest, guest.totalOps() + 1);
                assertThat(guest.verify().ok()).as(guest.verify().detail()).isTrue();
            }
        }
    }

    @Test
    void aTlsSourceAgainstAPlaintextDestinationFailsCleanly() throws Exception {
        try (Destinations destination = new Destinations(new Handshake());
             Transport transport = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(), transport, destination.address());
            assertRefusedBeforeAnyPage(stats, vm);
            assertThat(stats.error()).contains("TLS");
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void theTokenHandshakeRunsInsideTls() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(TOKEN), destTls);
             Transport transport = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(TOKEN), transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            VirtualMachine arrived = destination.await().vm();
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
        }
    }

    @Test
    void everyDataChannelRunsItsOwnTlsAndTokenHandshake() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(TOKEN), destTls);
             Transport transport = Transport.create(sourceTls, 3);
             VirtualMachine vm = boot()) {
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults()
                    .withTransfer(io.livemig.migrator.migration.TransferOptions.DEFAULTS.withChannels(2)),
                    MigrationListener.SILENT, new Handshake(TOKEN), 0).migrate(transport, destination.address());
            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.channels()).isEqualTo(2);
            assertThat(stats.digestVerified()).isTrue();
            VirtualMachine arrived = destination.await().vm();
            assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
        }
    }

    @Test
    void aCaSignedSourceWithTheWrongTokenIsStillRefused() throws Exception {
        try (Destinations destination = new Destinations(new Handshake(TOKEN), destTls);
             Transport transport = Transport.create(sourceTls);
             VirtualMachine vm = boot()) {
            MigrationStats stats = migrate(vm, new Handshake(OTHER), transport, destination.address());
            assertRefusedBeforeAnyPage(stats, vm);
            assertThat(stats.error()).contains("authentication failed");
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("authentication failed");
        }
    }

    private static void assertRefusedBeforeAnyPage(MigrationStats stats, VirtualMachine vm) throws InterruptedException {
        assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(stats.transferredBytes()).as("no page moved").isZero();
        assertThat(stats.rounds()).isZero();
        AuthenticationTest.assertSourceGuestHealthy(vm);
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
