package io.livemig.migrator.figures;

import io.livemig.migrator.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad --clock-skew, --jfr and --latency-after values: one line, exit status 2, before anything boots or listens. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FiguresCliTest {
    @TempDir
    Path dir;

    @Test
    void badValuesAreRefusedInOneLine() {
        String missingDir = dir.resolve("no/such/dir/x.jfr").toString();
        assertRefused("bad duration '1 hour'", "dest", "--listen", "127.0.0.1:0", "--clock-skew", "1 hour");
        assertRefused("bad duration '--1h'", "dest", "--listen", "127.0.0.1:0", "--clock-skew=--1h");
        assertRefused("no such directory", "dest", "--listen", "127.0.0.1:0", "--jfr", missingDir);
        assertRefused("no such directory", "source", "--memory", "32m", "--vcpus", "1", "--workload", "idle",
                "--to", "127.0.0.1:9", "--jfr", missingDir);
        assertRefused("--latency-after must be at most 60s", "source", "--memory", "32m", "--vcpus", "1", "--workload", "idle",
                "--to", "127.0.0.1:9", "--latency-after", "61s");
    }

    @Test
    void helpNamesTheNewOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("dest", "--help")).isZero();
        assertThat(out.toString()).contains("--clock-skew=DURATION").contains("--jfr=FILE");
    }

    private static void assertRefused(String messagePart, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(args)).as(err.toString()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").contains(messagePart);
    }
}
