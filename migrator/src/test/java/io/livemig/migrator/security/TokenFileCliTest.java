package io.livemig.migrator.security;

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

/** A bad token file on either command: one line, exit status 2, before anything boots or listens. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TokenFileCliTest {
    @TempDir
    Path dir;

    @Test
    void sourceAndDestRefuseATokenFileReadableByOthers() throws Exception {
        Path file = AuthTokenTest.tokenFile(dir, "t", "s3cret", "rw-r--r--");
        for (String[] args : new String[][] {
                {"dest", "--listen", "127.0.0.1:0", "--auth-token-file", file.toString()},
                {"source", "--memory", "32m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:9",
                        "--auth-token-file", file.toString()}}) {
            StringWriter err = new StringWriter();
            CommandLine cl = Cli.commandLine();
            cl.setErr(new PrintWriter(err));
            assertThat(cl.execute(args)).isEqualTo(Cli.EXIT_USAGE);
            assertThat(err.toString().strip()).doesNotContain("\n").contains("accessible by group or others");
        }
    }
}
