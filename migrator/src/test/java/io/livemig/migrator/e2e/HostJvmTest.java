package io.livemig.migrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.cli.Cli;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Two real {@code livemig host} JVMs driven by {@code livemig ctl}: a guest goes A -> B -> A; SIGTERM ends a host. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostJvmTest {
    private static final Pattern CONTROL = Pattern.compile("control API on (\\S+:\\d+)");

    /** A host JVM, its migration port and its control address. */
    private record HostJvm(ChildJvm jvm, String migration, String control) implements AutoCloseable {
        static HostJvm start(String name) throws Exception {
            CompletableFuture<String> control = new CompletableFuture<>();
            ChildJvm jvm = ChildJvm.start(name, List.of("host", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--max-memory", "256m"),
                    null, line -> {
                        Matcher m = CONTROL.matcher(line);
                        if (m.find()) control.complete(m.group(1));
                    });
            int port = jvm.awaitListening(Duration.ofSeconds(90));
            return new HostJvm(jvm, "127.0.0.1:" + port, control.get(30, TimeUnit.SECONDS));
        }

        @Override
        public void close() {
            jvm.close();
        }
    }

    private static JsonNode ctl(int expectedStatus, String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Cli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("ctl"));
        all.addAll(List.of(args));
        int status = cl.execute(all.toArray(String[]::new));
        assertThat(status).as(String.join(" ", all) + ": " + err + out).isEqualTo(expectedStatus);
        return out.toString().isBlank() ? null : StatsJson.mapper().readTree(out.toString());
    }

    @Test
    void aGuestGoesToAnotherHostJvmAndBackThenTheHostsStopOnSigterm() throws Exception {
        try (HostJvm a = HostJvm.start("host-a"); HostJvm b = HostJvm.start("host-b")) {
            ctl(0, "--control", a.control(), "boot", "--name", "kv", "--memory", "32m", "--vcpus", "1", "--workload", "kvstore:records=10000,value=64");
            JsonNode there = ctl(0, "--control", a.control(), "migrate", "--name", "kv", "--to", b.migration(), "--wait");
            assertThat(there.get("digest_verified").asBoolean()).isTrue();
            awaitRunning(b.control(), "kv");
            JsonNode back = ctl(0, "--control", b.control(), "migrate", "--name", "kv", "--to", a.migration(), "--wait");
            assertThat(back.get("status").asText()).isEqualTo("completed");
            awaitRunning(a.control(), "kv");
            assertThat(ctl(0, "--control", b.control(), "list")).isEmpty();
            assertThat(a.jvm().isAlive() && b.jvm().isAlive()).as("hosts live on after guests left").isTrue();

            ProcessHandle.of(a.jvm().pid()).orElseThrow().destroy(); // SIGTERM
            assertThat(a.jvm().awaitExit(Duration.ofSeconds(30))).as(a.jvm().output()).isEqualTo(143);
            assertThat(a.jvm().output()).contains("shutting down");
        }
    }

    private static void awaitRunning(String control, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode guests = ctl(0, "--control", control, "list");
            for (JsonNode g : guests) if (g.get("name").asText().equals(name) && g.get("state").asText().equals("running")) return;
            if (System.nanoTime() > deadline) throw new AssertionError(name + " never ran on " + control + ": " + guests);
            Thread.sleep(50);
        }
    }
}
