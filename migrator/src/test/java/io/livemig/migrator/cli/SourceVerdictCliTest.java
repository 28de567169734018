package io.livemig.migrator.cli;

import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.StopReason;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verdict lines {@code livemig source} prints on stdout, in the destination's words for the
 * digest: {@code livemig source} run in this JVM against a destination in this JVM over loopback
 * (a small idle guest), and the summary of figures that are hard to bring about for real.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SourceVerdictCliTest {
    private static final long MIB = 1 << 20;

    @Test
    void aCompletedMigrationSaysItsDigestWasVerified() throws Exception {
        try (Destinations destination = new Destinations()) {
            Run run = source(destination);
            assertThat(run.exit()).as(run.out()).isEqualTo(Cli.EXIT_OK);
            assertThat(run.out()).containsPattern("(?m)^migration completed: policy none, \\d+ rounds \\(\\S+\\), downtime [^\\n]*, "
                    + "digest verified$");
            assertThat(run.out()).doesNotContain("NOT verified").doesNotContain("note:");
        }
    }

    @Test
    void aRefusedMigrationSaysItFailedAndWhy() throws Exception {
        DestinationOptions small = new DestinationOptions(8 * MIB, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1));
        try (Destinations destination = new Destinations(small)) {
            Run run = source(destination);
            assertThat(run.exit()).as(run.out()).isEqualTo(Cli.EXIT_FAILED);
            assertThat(run.out()).containsPattern("(?m)^migration failed: the destination refused[^\\n]*--max-memory");
            assertThat(run.out()).doesNotContain("migration completed");
        }
    }

    @Test
    void aCompletionWithoutAVerifiedDigestSaysWhyAndOnlyOnce() {
        String reason = "the digest check after resume did not finish: connection lost";
        String out = summary(completed().digestVerified(false).error(reason).build());
        assertThat(out.lines().findFirst().orElseThrow()).startsWith("migration completed: policy none, 2 rounds (converged)")
                .endsWith(", digest NOT verified (" + reason + ")");
        assertThat(out).doesNotContain("note:").doesNotContain("DIGEST");

        String verifiedWithANote = summary(completed().digestVerified(true).error("no operation latencies from the destination: x").build());
        assertThat(verifiedWithANote.lines().findFirst().orElseThrow()).endsWith(", digest verified");
        assertThat(verifiedWithANote).contains("\nnote: no operation latencies from the destination: x");
    }

    @Test
    void aFailedOrCancelledMigrationSaysSoWithItsReason() {
        assertThat(summary(MigrationStats.builder().status(MigrationStatus.FAILED).policy("none").error("the destination refused: busy").build()))
                .isEqualTo("migration failed: the destination refused: busy" + System.lineSeparator());
        assertThat(summary(MigrationStats.builder().status(MigrationStatus.CANCELLED).policy("none")
                .error("cancelled: the source process received a termination signal").build()))
                .isEqualTo("migration cancelled: cancelled: the source process received a termination signal" + System.lineSeparator());
    }

    private static MigrationStats.Builder completed() {
        return MigrationStats.builder().status(MigrationStatus.COMPLETED).policy("none").rounds(2).stopReason(StopReason.CONVERGED)
                .downtimeMs(12.5).appDowntimeMs(14).totalTimeMs(800).transferredBytes(4 * MIB);
    }

    private static String summary(MigrationStats stats) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SourceCommand.printSummary(stats, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private record Run(int exit, String out) {}

    /** {@code livemig source} with a 16 MiB idle guest, its stdout captured. */
    private static Run source(Destinations destination) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Cli.commandLine().execute("source", "--memory", "16m", "--vcpus", "1", "--workload", "idle",
                    "--to", destination.address().toString(), "--migrate-after", "200ms", "--latency-after", "0", "--channels", "1");
        } finally {
            System.setOut(stdout);
        }
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }
}
