package io.livemig.migrator.security;

import io.livemig.migrator.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** TLS options on either command: all three or none, readable PEM; else one line, exit status 2, before anything boots or listens. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsCliTest {
    @TempDir
    Path dir;

    @Test
    void allThreeOrNone() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(dir, "ca");
        TestCertificates.Identity id = TestCertificates.identity(dir, ca, "me");
        for (String[] command : commands()) {
            assertUsage(concat(command, "--tls-cert", id.certFile().toString()), "give all three or none", "--tls-key, --tls-ca");
            assertUsage(concat(command, "--tls-cert", id.certFile().toString(), "--tls-key", id.keyFile().toString()),
                    "give all three or none", "--tls-ca");
        }
    }

    @Test
    void unreadableOrInvalidFiles() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(dir, "ca");
        TestCertificates.Identity id = TestCertificates.identity(dir, ca, "me");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        Path missing = dir.resolve("missing.pem");
        for (String[] command : commands()) {
            assertUsage(concat(command, "--tls-cert", missing.toString(), "--tls-key", id.keyFile().toString(),
                    "--tls-ca", ca.certFile().toString()), "--tls-cert", "does not exist");
            assertUsage(concat(command, "--tls-cert", id.certFile().toString(), "--tls-key", garbage.toString(),
                    "--tls-ca", ca.certFile().toString()), "--tls-key", "not an unencrypted PKCS#8 PEM key");
            assertUsage(concat(command, "--tls-cert", id.certFile().toString(), "--tls-key", id.keyFile().toString(),
                    "--tls-ca", garbage.toString()), "--tls-ca", "PEM certificate");
            assertUsage(concat(command, "--tls-cert", id.keyFile().toString(), "--tls-key", id.keyFile().toString(),
                    "--tls-ca", ca.certFile().toString()), "--tls-cert", "PEM certificate");
        }
    }

    private static String[][] commands() {
        return new String[][] {
                {"dest", "--listen", "127.0.0.1:0"},
                {"source", "--memory", "32m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:9"}};
    }

    private static void assertUsage(String[] args, String... expected) {
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
