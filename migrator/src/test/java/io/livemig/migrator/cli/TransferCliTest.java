package io.livemig.migrator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad --channels, --xbzrle, --compress and --page-size values: one line, exit status 2, before the guest boots. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TransferCliTest {
    private static final String[] GUEST = {"source", "--memory", "32m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:9"};

    @Test
    void channelsAreForPrecopy() {
        assertRefused("--channels 2 is for pre-copy: --mode postcopy sends its pages on one connection", "--channels", "2", "--mode", "postcopy");
        assertRefused("--channels 3 is for pre-copy: --mode hybrid", "--channels", "3", "--mode", "hybrid");
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertRefused("--channels must be 1..", "--channels", "0");
        assertRefused("--channels must be 1..", "--channels", "99");
        assertRefused("--xbzrle must be 0 (off) up to 1g per channel", "--xbzrle", "2g", "--channels", "1");
        assertRefused("lz5", "--compress", "lz5");
    }

    @Test
    void aPageTheWireCannotCarryIsRefusedBeforeTheGuestBoots() {
        assertRefused("--page-size must be at most 1m for a guest that migrates (the wire's page limit), got 2097152 bytes",
                "--page-size", "2m");
    }

    @Test
    void anEstimateIsOfAGuestThatCanMigrate() {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("estimate", "--memory", "32m", "--vcpus", "1", "--workload", "idle", "--page-size", "2m"))
                .as(err.toString()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("--page-size must be at most 1m for a guest that migrates");
    }

    @Test
    void runKeepsItsLargePages() {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("run", "--memory", "8m", "--vcpus", "1", "--workload", "idle", "--page-size", "2m", "--for", "100ms"))
                .as(err.toString()).isEqualTo(Cli.EXIT_OK);
    }

    private static void assertRefused(String messagePart, String... options) {
        String[] args = new String[GUEST.length + options.length];
        System.arraycopy(GUEST, 0, args, 0, GUEST.length);
        System.arraycopy(options, 0, args, GUEST.length, options.length);
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(args)).as(err.toString()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").contains(messagePart);
    }
}
