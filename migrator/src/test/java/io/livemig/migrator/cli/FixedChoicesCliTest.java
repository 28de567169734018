package io.livemig.migrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Options with a fixed set of values accept exactly those, and refuse anything else in one line, exit 2. */
class FixedChoicesCliTest {
    private static final String[] SOURCE = {"source", "--memory", "32m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:9"};

    @Test
    void theChoicesAreTheirSpellings() {
        assertThat(new VerifyWhen.Converter().convert("after-resume")).isEqualTo(VerifyWhen.AFTER_RESUME);
        assertThat(new VerifyWhen.Converter().convert("before-resume")).isEqualTo(VerifyWhen.BEFORE_RESUME);
        assertThat(new CrashPoint.Converter().convert("stop-and-copy")).isEqualTo(CrashPoint.STOP_AND_COPY);
        assertThat(new CrashPoint.Choices()).containsExactly("handshake", "pages", "stop-and-copy", "ready", "postcopy");
        assertThat(new ModeChoice.Converter().convert("hybrid")).isEqualTo(ModeChoice.HYBRID);
        assertThat(new ModeChoice.Choices()).containsExactly("precopy", "postcopy", "hybrid");
    }

    @Test
    void anUnknownVerifyIsRefusedNamingTheChoices() {
        assertUsage(concat(SOURCE, "--verify", "later"), "'later' is not one of before-resume, after-resume");
    }

    @Test
    void anUnknownCrashPointIsRefusedNamingTheChoices() {
        assertUsage(new String[] {"dest", "--listen", "127.0.0.1:0", "--crash-at", "commit"},
                "'commit' is not one of handshake, pages, stop-and-copy, ready");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "unlimited"})
    void aDirtyLimitThatWouldNotLimitIsRefused(String rate) {
        assertUsage(concat(SOURCE, "--policy", "dirty-limit", "--vcpu-dirty-limit", rate), "--vcpu-dirty-limit must be a rate above 0");
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
