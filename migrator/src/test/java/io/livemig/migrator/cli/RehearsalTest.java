package io.livemig.migrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --rehearse}: a toy guest migrated from this JVM to itself before the real migration. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RehearsalTest {
    @TempDir
    Path dir;

    @Test
    void theToyArrivesVerifiedAndNothingOfItKeepsRunning() throws Exception {
        long eventLoopsBefore = threadsNamed("EventLoop");

        Rehearsal.Outcome outcome = Rehearsal.run(true);

        assertThat(outcome.completed()).as(outcome.error()).isTrue();
        assertThat(outcome.error()).isNull();
        assertThat(outcome.millis()).isPositive();
        assertThat(outcome.pagesAfterRoundZero()).as("scattered pages went after round 0").isGreaterThan(1000);
        assertThat(threadsNamedWhenSettled("rehearsal", 0)).as("the toy's vCPUs, on both sides").isZero();
        assertThat(threadsNamedWhenSettled("EventLoop", eventLoopsBefore)).as("the rehearsal's transport is closed")
                .isLessThanOrEqualTo(eventLoopsBefore);
    }

    @Test
    void bothSidesRehearseThenMigrateAndSayHowLongTheRehearsalTook() throws Exception {
        Path destJson = dir.resolve("dest.json");
        Path sourceJson = dir.resolve("source.json");
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--rehearse", "--listen", "127.0.0.1:0", "--run-for", "200ms",
                "--stats-json", destJson.toString()))) {
            int port = dest.awaitListening(Duration.ofSeconds(60));
            StringWriter err = new StringWriter();
            CommandLine cl = Cli.commandLine();
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute("source", "--rehearse", "--memory", "32m", "--vcpus", "1", "--workload", "memwrite:wss=16m,rate=32m",
                    "--to", "127.0.0.1:" + port, "--migrate-after", "300ms", "--stats-json", sourceJson.toString());

            assertThat(exit).as(err.toString()).isEqualTo(Cli.EXIT_OK);
            assertThat(dest.awaitExit(Duration.ofSeconds(60))).as(dest.output()).isZero();
            assertThat(dest.output()).contains("livemig dest: rehearsed on a 64 MiB toy guest in");
            JsonNode source = StatsJson.mapper().readTree(sourceJson.toFile());
            JsonNode arrived = StatsJson.mapper().readTree(destJson.toFile());
            assertThat(source.get("digest_verified").asBoolean()).isTrue();
            assertThat(source.get("rehearsal_ms").asDouble()).isPositive();
            assertThat(arrived.get("rehearsal_ms").asDouble()).isPositive();
        }
    }

    @Test
    void aHostRehearsesBeforeItListens() throws Exception {
        try (ChildJvm host = ChildJvm.livemig("host", List.of("host", "--rehearse", "--listen", "127.0.0.1:0",
                "--control", "127.0.0.1:0"))) {
            host.awaitListening(Duration.ofSeconds(60));
            String output = host.output();
            assertThat(output).contains("livemig host: rehearsed on a 64 MiB toy guest in");
            assertThat(output.indexOf("rehearsed")).isLessThan(output.indexOf("listening on"));
        }
    }

    @Test
    void withoutTheOptionThereIsNoRehearsalAndNoKey() throws Exception {
        Path sourceJson = dir.resolve("plain.json");
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "200ms"))) {
            int port = dest.awaitListening(Duration.ofSeconds(60));
            CommandLine cl = Cli.commandLine();
            cl.setErr(new PrintWriter(new StringWriter()));
            assertThat(cl.execute("source", "--memory", "16m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:" + port,
                    "--migrate-after", "200ms", "--stats-json", sourceJson.toString())).isEqualTo(Cli.EXIT_OK);
            assertThat(dest.awaitExit(Duration.ofSeconds(60))).as(dest.output()).isZero();
            assertThat(dest.output()).doesNotContain("rehearsed");
            assertThat(StatsJson.mapper().readTree(sourceJson.toFile()).has("rehearsal_ms")).isFalse();
        }
    }

    /** The count once it is at most {@code expected}, or as it is after 10 s: a thread that has done its work may take a moment to end. */
    private static long threadsNamedWhenSettled(String part, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long count;
        while ((count = threadsNamed(part)) > expected && System.nanoTime() < deadline) Thread.sleep(20);
        return count;
    }

    private static long threadsNamed(String part) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains(part)).count();
    }
}
