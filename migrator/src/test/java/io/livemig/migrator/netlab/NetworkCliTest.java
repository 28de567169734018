package io.livemig.migrator.netlab;

import io.livemig.migrator.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad values for the network options (proxy, and the deadlines of source and dest): one line, exit status 2, nothing started. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetworkCliTest {
    private static final String[] PROXY = {"proxy", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9"};
    private static final String[] DEST = {"dest", "--listen", "127.0.0.1:0"};
    private static final String[] SOURCE = {"source", "--memory", "32m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:9"};

    @Test
    void proxyOptionsAreChecked() {
        assertUsage(concat(PROXY, "--bandwidth", "10m", "--bandwidth-schedule", "0s=10m"), "--bandwidth or --bandwidth-schedule, not both");
        assertUsage(concat(PROXY, "--latency", "5ms", "--latency-schedule", "0s=5ms"), "--latency or --latency-schedule, not both");
        assertUsage(concat(PROXY, "--bandwidth-schedule", "1s=10m"), "first entry must be at 0s");
        assertUsage(concat(PROXY, "--bandwidth-schedule", "0s=10m,2s=1m,1s=5m"), "times must increase");
        assertUsage(concat(PROXY, "--bandwidth-schedule", "0s=fast"), "expected a whole number of bytes");
        assertUsage(concat(PROXY, "--stall-at", "64m"), "BYTES:DURATION");
        assertUsage(concat(PROXY, "--stall-at", "64m:0"), "longer than 0");
        assertUsage(concat(PROXY, "--latency", "soon"), "duration");
        assertUsage(concat(PROXY, "--reset-at", "-1"), "size");
    }

    @Test
    void deadlinesMustBePositive() {
        assertUsage(concat(DEST, "--handshake-timeout", "0"), "--handshake-timeout must be positive");
        assertUsage(concat(DEST, "--max-pending", "0"), "--max-pending must be >= 1");
        assertUsage(concat(DEST, "--stall-timeout", "0"), "--stall-timeout must be positive");
        assertUsage(concat(SOURCE, "--timeout", "0"), "--timeout must be positive");
        assertUsage(concat(SOURCE, "--stall-timeout", "0"), "--stall-timeout must be positive");
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("proxy", "--help")).isZero();
        assertThat(out.toString()).contains("--bandwidth-schedule", "--stall-at", "--reset-at", "--latency-schedule", "0s=100m,5s=10m,10s=100m");
    }

    private static void assertUsage(String[] args, String expected) {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(args)).as(String.join(" ", args)).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").contains(expected);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
