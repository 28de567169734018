package io.livemig.migrator.migration;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.DigestCheck;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three lines a real {@code livemig dest} JVM prints about the memory digest of a guest it
 * received, each from what happened, with its {@code --stats-json} and exit status agreeing. A
 * source in this JVM: the real one for the verified case; for the two faults, the source's own
 * phases run by hand up to the handover, then the digest check after resume goes wrong.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DestinationVerdictTest {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final MigrationOptions AFTER_RESUME = MigrationOptions.defaults().withVerifyAfterResume(true);

    @TempDir
    Path dir;

    @Test
    void digestsThatMatchAfterResumeAreVerified() throws Exception {
        Path stats = dir.resolve("dest.json");
        try (ChildJvm dest = destination(stats);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = guest()) {
            MigrationStats source = new MigrationSource(vm, new NoConvergencePolicy(), AFTER_RESUME, MigrationListener.SILENT,
                    new Handshake(), 0).migrate(transport, address(dest));
            assertThat(source.status()).as(source.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(source.digestVerified()).isTrue();

            assertThat(dest.awaitExit(WAIT)).as(dest.output()).isZero();
            assertThat(dest.output()).containsPattern("guest from \\S+ is running here \\(\\d+ rounds, \\d+ pages received, digest verified\\)");
            JsonNode json = StatsJson.mapper().readTree(stats.toFile());
            assertThat(json.get("status").asText()).isEqualTo("completed");
            assertThat(json.get("digest_verified").asBoolean()).isTrue();
            assertThat(json.get("verified").asBoolean()).as("the guest's own check").isTrue();
        }
    }

    @Test
    void aSourceThatNeverSendsItsDigestLeavesTheGuestRunningUnverified() throws Exception {
        Path stats = dir.resolve("dest.json");
        try (ChildJvm dest = destination(stats);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = guest()) {
            SourceSession session = handedOver(vm, transport, address(dest));
            session.connection.close(); // no DigestCheck: the source went away after the handover

            assertThat(dest.awaitExit(WAIT)).as("unverified is not success: " + dest.output()).isEqualTo(1);
            assertThat(dest.output()).containsPattern("guest from \\S+ is running here \\(\\d+ rounds, \\d+ pages received, "
                    + "digest NOT verified \\(connection lost during the digest check: [^\\n]+\\)\\)");
            JsonNode json = StatsJson.mapper().readTree(stats.toFile());
            assertThat(json.get("status").asText()).as("the guest ran").isEqualTo("completed");
            assertThat(json.get("digest_verified").asBoolean()).isFalse();
            assertThat(json.get("error").asText()).startsWith("connection lost during the digest check");
            assertThat(json.get("verified").asBoolean()).as("the guest itself still passed its own check").isTrue();
        }
    }

    @Test
    void digestsThatDifferAfterResumeStopTheGuest() throws Exception {
        Path stats = dir.resolve("dest.json");
        try (ChildJvm dest = destination(stats);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = guest()) {
            SourceSession session = handedOver(vm, transport, address(dest));
            long wrong = vm.memory().digest() ^ 1; // as if an update had been lost on the way
            session.connection.send(new DigestCheck(wrong));
            DigestCheck theirs = Replies.expect(session.connection, DigestCheck.class, WAIT, "the digest check");
            assertThat(theirs.memoryDigest()).as("the destination's digest is the true one").isEqualTo(wrong ^ 1);
            session.connection.close();

            assertThat(dest.awaitExit(WAIT)).as("a stopped guest is not success: " + dest.output()).isEqualTo(1);
            assertThat(dest.output()).containsPattern("guest from \\S+ arrived \\(\\d+ rounds, \\d+ pages received\\), "
                    + "digest mismatch: guest stopped");
            assertThat(dest.output()).doesNotContain("is running here").doesNotContain("guest ran here");
            JsonNode json = StatsJson.mapper().readTree(stats.toFile());
            assertThat(json.get("status").asText()).isEqualTo("failed");
            assertThat(json.get("digest_verified").asBoolean()).isFalse();
            assertThat(json.get("error").asText()).startsWith("memory digest mismatch after resume");
        }
    }

    /** The source's phases, one by one, up to RESUMED; the guest is the destination's from here. */
    private static SourceSession handedOver(VirtualMachine vm, Transport transport, HostPort to) throws Exception {
        SourceSession session = new SourceSession(vm, new NoConvergencePolicy(), AFTER_RESUME, MigrationListener.SILENT,
                new Handshake(), transport, to, Baseline.NONE);
        session.timeline.startNanos = System.nanoTime();
        session.latency = new SourceLatency(session);
        session.connection = transport.connect(to, WAIT);
        new SourceSetup(session).run();
        int rounds = new PrecopyRounds(session, new StopRule(AFTER_RESUME, vm.memory().sizeBytes())).run();
        new StopAndCopy(session).run(rounds);
        assertThat(session.connection.send(new Commit()).await(WAIT.toMillis())).isTrue();
        Replies.expect(session.connection, Resumed.class, WAIT, "the handover");
        vm.markMigrated();
        return session;
    }

    private static ChildJvm destination(Path stats) throws Exception {
        return ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s",
                "--stats-json", stats.toString()));
    }

    private static HostPort address(ChildJvm dest) throws Exception {
        return new HostPort("127.0.0.1", dest.awaitListening(WAIT));
    }

    private static VirtualMachine guest() throws InterruptedException {
        VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(16 * MIB, 1), Workloads.parse("kvstore:records=5000,value=64"));
        vm.start();
        Thread.sleep(200);
        return vm;
    }
}
