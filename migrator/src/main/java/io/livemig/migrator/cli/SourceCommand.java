package io.livemig.migrator.cli;

import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.CompressionMode;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.TransferOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code livemig source}: boot a guest, let it run, migrate it live to a destination. */
@Command(name = "source", mixinStandardHelpOptions = true,
        description = "Boots a guest, runs it for --migrate-after, then migrates it live to a 'livemig dest'. "
                + "Prints one line per round on stderr and a summary on stdout. Exit status 0 when the migration "
                + "completed with the memory digest verified, 1 otherwise (after a failure or a cancel the guest keeps "
                + "running here, checked), 2 for bad input. SIGINT or SIGTERM (Ctrl-C) before the handover cancels the "
                + "migration: the guest runs on here, the destination discards its half, --stats-json says cancelled, "
                + "and the process exits with the signal's status (130, 143).")
final class SourceCommand implements Callable<Integer> {
    @Mixin
    GuestOptions guest;

    @Mixin
    PolicyOptions policyOptions;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "The destination's address.")
    HostPort to;

    @Option(names = "--bandwidth", paramLabel = "RATE", converter = Converters.Rate.class, defaultValue = "0",
            description = "Link rate limit, e.g. 64m; 0 = unlimited (default).")
    long bandwidth;

    @Option(names = "--downtime-limit", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "300ms",
            description = "Stop iterating once the expected downtime is under this (default: ${DEFAULT-VALUE}).")
    Duration downtimeLimit;

    @Option(names = "--migrate-after", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "2s",
            description = "Run the guest this long before migrating; its throughput then is the baseline (default: ${DEFAULT-VALUE}).")
    Duration migrateAfter;

    @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "" + MigrationOptions.DEFAULT_MAX_ROUNDS,
            description = "Stop iterating after N rounds (default: ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--stats-json", paramLabel = "FILE", description = "Write every figure as one JSON object.")
    Path statsJson;

    @Option(names = "--verify", paramLabel = "WHEN", defaultValue = "before-resume", converter = VerifyWhen.Converter.class,
            completionCandidates = VerifyWhen.Choices.class,
            description = "When the memory digests of both ends are compared, one of ${COMPLETION-CANDIDATES} "
                    + "(default: ${DEFAULT-VALUE}). Before the resume a mismatch is an abort and the guest stays here, "
                    + "but the source's full read of memory is part of the downtime; after it the check is out of the "
                    + "downtime and a mismatch stops the guest on the destination.")
    VerifyWhen verify;

    @Option(names = "--compress", paramLabel = "CODEC", defaultValue = "none", converter = Converters.Compression.class,
            completionCandidates = Converters.Compression.Words.class,
            description = "Compress each page batch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). auto measures each round what moves the most pages per second on this link: none on a fast link, a codec on a slow one.")
    CompressionMode compress;

    @Option(names = "--channels", paramLabel = "N",
            description = "Data connections for the pages, beside the control connection, each with its own sender thread here and loader thread on the destination (which follows); 1 = the pages share the one connection. Default: one per two cores, at least 1, at most 4 (here ${DEFAULT-VALUE}).")
    int channels = TransferOptions.defaultChannels();

    @Option(names = "--xbzrle", paramLabel = "SIZE", converter = Converters.Size.class, defaultValue = "0",
            description = "Send pages sent before as XOR run-length deltas against a cache of this size, when that is much smaller; 0 = off (default). At most 1g.")
    long xbzrle;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Shared secret (file private to its owner): prove it to the destination and require its proof.")
    Path authTokenFile;

    @Mixin
    TlsOptions tls;

    @Override
    public Integer call() throws Exception {
        MigrationOptions options = migrationOptions();
        ConvergencePolicy policy = policy();
        Handshake handshake = new Handshake(authTokenFile == null ? null : AuthToken.load(authTokenFile));
        ConnectionOptions connectionOptions = tls.connectionOptions();
        try (VirtualMachine vm = guest.boot("source"); Transport transport = Transport.create(connectionOptions, options.transfer().channels() + 1);
             SignalCancel signal = new SignalCancel()) {
            GuestMeter meter = new GuestMeter(vm);
            vm.start();
            GuestMeter.Sample before = meter.sample();
            signal.awaitOrCancelled(migrateAfter);
            double opsPerSBefore = GuestMeter.opsPerSecond(before, meter.sample());
            System.err.printf("livemig source: migrating %s (%s, %d vCPU) to %s with policy %s%n", vm.program().spec(),
                    io.livemig.workloads.Sizes.human(vm.memory().sizeBytes()), vm.config().vcpus(), to, policy.name());
            MigrationStats stats = new MigrationSource(vm, policy, options, new RoundPrinter(), handshake, opsPerSBefore)
                    .cancellable(signal.cancellation()).migrate(transport, to);
            if (!stats.completed()) stats = stats.withSourceGuestVerified(checkSourceGuest(vm, meter));
            printSummary(stats);
            if (statsJson != null) StatsJson.write(statsJson, stats);
            return stats.completed() && stats.digestVerified() ? Cli.EXIT_OK : Cli.EXIT_FAILED;
        }
    }

    /**
     * The migration's knobs from the options given (bad values: one line, exit 2). A host agent
     * builds its migrations with this too, so every source option means the same there.
     */
    MigrationOptions migrationOptions() {
        if (maxRounds < 1) throw new UsageException("--max-rounds must be >= 1, got " + maxRounds);
        if (downtimeLimit.isZero() || downtimeLimit.isNegative()) throw new UsageException("--downtime-limit must be positive");
        if (channels < 1 || channels > TransferOptions.MAX_CHANNELS) {
            throw new UsageException("--channels must be 1.." + TransferOptions.MAX_CHANNELS + ", got " + channels);
        }
        if (xbzrle < 0 || xbzrle / channels > TransferOptions.MAX_XBZRLE_BYTES_PER_CHANNEL) {
            throw new UsageException("--xbzrle must be 0 (off) up to 1g per channel, got " + xbzrle + " bytes");
        }
        return MigrationOptions.defaults().withBandwidth(bandwidth).withDowntimeLimit(downtimeLimit)
                .withMaxRounds(maxRounds).withVerifyAfterResume(verify == VerifyWhen.AFTER_RESUME)
                .withTransfer(TransferOptions.DEFAULTS.withCompression(compress).withXbzrle(xbzrle).withChannels(channels));
    }

    /** The convergence policy the options name, with its parameters. */
    ConvergencePolicy policy() {
        return policyOptions.create();
    }

    /** After a failure: the guest must be running here again, making progress, and pass its own check. */
    private static boolean checkSourceGuest(VirtualMachine vm, GuestMeter meter) throws InterruptedException {
        if (vm.state() != VmState.RUNNING) return false;
        GuestMeter.Sample a = meter.sample();
        Thread.sleep(300);
        boolean progressing = meter.sample().ops() > a.ops();
        Verification verdict = vm.verify();
        System.err.printf("livemig source: guest kept running here: %s, verify %s (%s)%n",
                progressing ? "progressing" : "NOT progressing", verdict.ok() ? "passed" : "FAILED", verdict.detail());
        return progressing && verdict.ok() && vm.scheduler().isThrottled() == false;
    }

    private static void printSummary(MigrationStats s) {
        if (s.completed()) {
            System.out.printf("migration completed: policy %s, %d rounds (%s), downtime %.1f ms (application %.1f ms), "
                            + "total %.0f ms, %.1f MiB sent, max throttle %.1f %%, %s%n",
                    s.policy(), s.rounds(), s.stopReason(), s.downtimeMs(), s.appDowntimeMs(), s.totalTimeMs(),
                    s.transferredBytes() / 1048576.0, s.maxThrottlePct(), s.digestVerified() ? "digest verified" : "DIGEST NOT VERIFIED");
            if (s.error() != null) System.out.println("note: " + s.error());
        } else {
            System.out.println("migration " + s.status() + ": " + s.error());
        }
    }

    /**
     * One line per round on stderr and, on a terminal, a progress bar of the round being sent
     * (redrawn in place, at most ten times a second).
     */
    private static final class RoundPrinter implements MigrationListener {
        private static final int BAR_WIDTH = 30;
        private final boolean terminal = System.console() != null;
        private long lastDrawNanos;
        private boolean barShown;

        @Override
        public void sending(int round, long pagesSent, long pagesToSend) {
            long now = System.nanoTime();
            if (!terminal || pagesToSend == 0 || now - lastDrawNanos < 100_000_000L) return;
            lastDrawNanos = now;
            int filled = (int) (BAR_WIDTH * pagesSent / pagesToSend);
            System.err.printf("\rround %3d [%s%s] %5.1f %% of %d pages", round, "#".repeat(filled),
                    " ".repeat(BAR_WIDTH - filled), 100.0 * pagesSent / pagesToSend, pagesToSend);
            barShown = true;
        }

        @Override
        public void round(RoundStats round, long remainingDirtyBytes) {
            if (barShown) {
                System.err.print("\r" + " ".repeat(BAR_WIDTH + 40) + "\r");
                barShown = false;
            }
            System.err.println(round.line());
        }
    }
}
