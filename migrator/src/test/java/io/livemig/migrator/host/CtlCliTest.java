package io.livemig.migrator.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.cli.Cli;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.livemig.migrator.host.TestHost.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code livemig ctl} as users run it: the forms of the issue, one-line errors, exit 2 for bad input and 1 for failures. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CtlCliTest {

    /** One run of {@code livemig ctl ...} in this JVM. */
    private record Run(int status, String out, String err) {
        JsonNode json() throws Exception {
            return StatsJson.mapper().readTree(out);
        }
    }

    private static Run ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Cli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("ctl"));
        all.addAll(List.of(args));
        int status = cl.execute(all.toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    private static void assertBadInput(Run run, String message) {
        assertThat(run.status()).as(run.err()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(run.err()).startsWith("livemig: ").contains(message);
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void badInputIsOneLineAndExitStatusTwo() throws Exception {
        try (TestHost a = new TestHost("A", 64 * MIB)) {
            String control = a.control().toString();
            assertBadInput(ctl(), "--control");
            assertBadInput(ctl("--control", control), "a subcommand is required");
            assertBadInput(ctl("--control", "nowhere", "list"), "HOST:PORT");
            assertBadInput(ctl("--control", control, "migrate", "--name", "g", "--to", "127.0.0.1:1", "--memory", "1m"),
                    "--memory does not apply to a migration from a host");
            assertBadInput(ctl("--control", control, "migrate", "--name", "g", "--to", "127.0.0.1:1", "--bandwidth", "fast"), "fast");
            assertBadInput(ctl("--control", control, "migrate", "--name", "g", "--to", "127.0.0.1:1", "--no-such-option"), "--no-such-option");
            assertBadInput(ctl("--control", control, "migrate", "--name", "g", "--to", "127.0.0.1:1", "--policy", "magic"), "unknown policy 'magic'");
            assertBadInput(ctl("--control", control, "query", "mig-99"), "no migration mig-99 on this host");
            assertBadInput(ctl("--control", control, "stop", "--name", "nobody"), "no guest named nobody on this host");
            assertBadInput(ctl("--control", control, "boot", "--name", "g", "--memory", "16m", "--vcpus", "1", "--workload", "nosuch"), "nosuch");
            assertBadInput(ctl("--control", control, "boot", "--name", "bad/name", "--memory", "16m", "--vcpus", "1", "--workload", "idle"), "bad/name");
            assertBadInput(ctl("--control", control, "evacuate", "--to", "127.0.0.1:1", "--parallel", "0"), "--parallel must be >= 1");
            assertBadInput(ctl("--control", control, "boot", "--name", "g", "--memory", "16m", "--vcpus", "1", "--workload", "idle",
                    "--page-size", "2m"), "page_size must be at most 1m for a guest that can migrate (the wire's page limit), got 2097152 bytes");
        }
    }

    @Test
    void failuresAreOneLineAndExitStatusOne() throws Exception {
        Run unreachable = ctl("--control", "127.0.0.1:1", "list");
        assertThat(unreachable.status()).isEqualTo(Cli.EXIT_FAILED);
        assertThat(unreachable.err()).startsWith("livemig: cannot reach the host's control port 127.0.0.1:1");
        try (TestHost a = new TestHost("A", 32 * MIB)) {
            String control = a.control().toString();
            assertThat(ctl("--control", control, "boot", "--name", "g", "--memory", "16m", "--vcpus", "1", "--workload", "idle").status()).isZero();
            Run taken = ctl("--control", control, "boot", "--name", "g", "--memory", "8m", "--vcpus", "1", "--workload", "idle");
            assertThat(taken.status()).isEqualTo(Cli.EXIT_FAILED);
            assertThat(taken.err().strip()).isEqualTo("livemig: a guest named g is already on this host");
            Run full = ctl("--control", control, "boot", "--name", "h", "--memory", "32m", "--vcpus", "1", "--workload", "idle");
            assertThat(full.status()).isEqualTo(Cli.EXIT_FAILED);
            assertThat(full.err()).contains("exceeds this host's free memory");
        }
        try (TestHost locked = new TestHost("L", 32 * MIB, "secret-bearer")) {
            Run denied = ctl("--control", locked.control().toString(), "list");
            assertThat(denied.status()).isEqualTo(Cli.EXIT_FAILED);
            assertThat(denied.err()).contains("missing or wrong bearer credential");
        }
    }

    @Test
    void theFormsOfTheIssueDriveTwoHosts() throws Exception {
        try (TestHost a = new TestHost("A", 128 * MIB); TestHost b = new TestHost("B", 128 * MIB)) {
            String ca = a.control().toString();
            String cb = b.control().toString();
            Run boot = ctl("--control", ca, "boot", "--name", "web", "--memory", "32m", "--vcpus", "1", "--workload", "memwrite:wss=4m,rate=4m");
            assertThat(boot.status()).as(boot.err()).isZero();
            assertThat(boot.json().get("state").asText()).isEqualTo("running");
            Run list = ctl("--control", ca, "list");
            assertThat(list.json().isArray()).isTrue();
            assertThat(list.json().get(0).get("name").asText()).isEqualTo("web");

            Run migrate = ctl("--control", ca, "migrate", "--name", "web", "--to", b.address().toString(), "--bandwidth", "64m",
                    "--policy", "cpu-scheduling", "--wait");
            assertThat(migrate.status()).as(migrate.err() + migrate.out()).isZero();
            JsonNode stats = migrate.json();
            assertThat(stats.get("status").asText()).isEqualTo("completed");
            assertThat(stats.get("policy").asText()).isEqualTo("cpu-scheduling");
            assertThat(stats.get("bandwidth_limit_bytes_per_s").asLong()).isEqualTo(64 * MIB);
            String id = stats.get("id").asText();

            Run query = ctl("--control", ca, "query", id);
            assertThat(query.status()).isZero();
            assertThat(query.json().get("phase").asText()).isEqualTo("completed");
            Run cancel = ctl("--control", ca, "cancel", id);
            assertThat(cancel.status()).isEqualTo(Cli.EXIT_FAILED);
            assertThat(cancel.err().strip()).isEqualTo("livemig: refused: the migration has already ended");

            b.awaitGuest("web");
            Run back = ctl("--control", cb, "migrate", "--name", "web", "--to", a.address().toString());
            assertThat(back.status()).isZero();
            assertThat(back.out().strip()).matches("mig-\\d+");
            assertThat(b.awaitMigration(back.out().strip()).get("status").asText()).isEqualTo("completed");
            a.awaitGuest("web");

            Run evacuate = ctl("--control", ca, "evacuate", "--to", b.address().toString(), "--parallel", "1", "--wait");
            assertThat(evacuate.status()).as(evacuate.err() + evacuate.out()).isZero();
            assertThat(evacuate.json().get("guests").get(0).get("status").asText()).isEqualTo("completed");
            b.awaitGuest("web");

            Run stop = ctl("--control", cb, "stop", "--name", "web");
            assertThat(stop.status()).as(stop.out()).isZero();
            assertThat(stop.json().get("verified").asBoolean()).isTrue();
        }
    }
}
