package io.livemig.migrator.cli;

import io.livemig.migrator.transport.IoCodeCompilation;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.estimate.Candidate;
import io.livemig.migrator.jfr.JfrRecording;
import io.livemig.migrator.migration.Baseline;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.CompressionMode;
import io.livemig.migrator.migration.DigestVerdict;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.TransferOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.migration.PostcopyOptions;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.stats.MigrationMode;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code livemig source}: boot a guest, let it run, migrate it live to a destination. */
@Command(name = "source", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Boots a guest, runs it for --migrate-after, then migrates it live to a 'livemig dest'. "
                + "Prints one line per round on stderr and a summary on stdout. Exit status 0 when the migration "
                + "completed with the memory digest verified, 1 otherwise (after a failure or a cancel before the handover "
                + "the guest keeps running here, checked; digests that differ after resume, with --verify after-resume, "
                + "are a failure too: the destination stopped the guest), 2 for bad input. SIGINT or SIGTERM (Ctrl-C) before the handover cancels the "
                + "migration: the guest runs on here, the destination discards its half, --stats-json says cancelled, "
                + "and the process exits with the signal's status (130, 143).")
final class SourceCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    GuestOptions guest;

    @Mixin
    PolicyOptions policyOptions;

    @Mixin
    ModeOptions modeOptions;

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
            description = "Run the guest this long before migrating: the first half warms it up, its throughput over the second half is the baseline of work lost; "
                    + "with --predict or --policy auto the model samples the guest for all of it, and the baseline is measured after, over half of it more (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--predict",
            description = "Sample the guest during --migrate-after and record the cost model's prediction for the chosen policy "
                    + "beside what happens (predicted_* keys in --stats-json); --policy auto always does. The guest's baseline "
                    + "throughput is then measured after the sample, which slows it, so the migration starts half of --migrate-after later.")
    boolean predict;

    @Option(names = "--rehearse",
            description = "Before booting the guest, " + Rehearsal.WHAT + ", "
                    + "so this side's code is compiled before the migration instead of during it; give the destination --rehearse too. "
                    + "Without it a fresh JVM's first migration runs its rounds and stop-and-copy slower (docs/performance.md).")
    boolean rehearse;

    @Option(names = "--compress", paramLabel = "CODEC", defaultValue = "none", converter = Converters.Compression.class,
            completionCandidates = Converters.Compression.Words.class,
            description = "Compress each page batch, of pre-copy's rounds and of post-copy's push (a fault's one-page answer never): ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). auto measures each round what moves the most pages per second on this link: none on a fast link, a codec on a slow one.")
    CompressionMode compress;

    @Option(names = "--channels", paramLabel = "N",
            description = "Data connections for the pages, beside the control connection, each with its own sender thread here and its own loader on the destination (which follows; it loads on the connection's event loop); 1 = the pages share the one connection. Pre-copy only. Default: one per two cores, at least 1, at most 4; 1 with --mode postcopy or hybrid.")
    Integer channels;

    @Option(names = "--xbzrle", paramLabel = "SIZE", converter = Converters.Size.class, defaultValue = "0",
            description = "Send pages sent before as XOR run-length deltas against a cache of this size, when that is much smaller; 0 = off (default). At most 1g.")
    long xbzrle;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Shared secret (file private to its owner): prove it to the destination and require its proof.")
    Path authTokenFile;

    @Mixin
    TlsOptions tls;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "Bound the whole migration: past it (before the handover, or before post-copy's switch), the migration is abandoned and the guest keeps running here (default: no bound).")
    Duration timeout;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "30s",
            description = "Fail the migration when no byte moves either way on its connection for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Mixin
    JfrOption jfr;

    @Option(names = "--latency-after", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "1s",
            description = "How long the destination follows the guest's operation latencies after the resume and reports them (op_latency_us_p99_after); the source waits that long after the handover, outside every figure; 0 = not at all (default: ${DEFAULT-VALUE}).")
    Duration latencyAfter;

    @Override
    public Integer call() throws Exception {
        guest.refuseUnmigratable();
        MigrationOptions options = migrationOptions();
        boolean auto = SourcePrediction.AUTO.equals(policyOptions.policy);
        // Not for post-copy (IoCodeCompilation says why); under auto, once the mode is chosen (SourcePrediction).
        if (!auto && !options.mode().mayUsePostcopy()) IoCodeCompilation.requestOnce();
        PolicySettings policySettings = policyOptions.settings();
        ConvergencePolicy policy = auto ? null : policy();
        Handshake handshake = new Handshake(authTokenFile == null ? null : AuthToken.load(authTokenFile));
        ConnectionOptions connectionOptions = tls.connectionOptions().withStallTimeout(stallTimeout);
        // As this source would: its I/O code out of C2 unless its --mode may switch to post-copy (IoCodeCompilation).
        Double rehearsalMs = rehearse
                ? Rehearsal.runAndReport("livemig source", !options.mode().mayUsePostcopy(), System.err).completedMillis() : null;
        try (JfrRecording recording = jfr.start();
             VirtualMachine vm = guest.boot("source"); Transport transport = Transport.create(connectionOptions, options.transfer().channels() + 1);
             SignalCancel signal = new SignalCancel()) {
            GuestMeter meter = new GuestMeter(vm);
            vm.start();
            picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
            String pinnedMode = auto && given.hasMatchedOption("--mode") ? options.mode().word() : null;
            SourcePrediction prediction = auto || predict ? SourcePrediction.start(vm, migrateAfter, policyOptions.policy,
                    pinnedMode, given.hasMatchedOption("--postcopy-after"), policySettings, options, to, handshake, connectionOptions) : null;
            Baseline baseline;
            SourcePrediction.Plan plan;
            if (prediction == null) {
                baseline = Baseline.measure(vm, migrateAfter, HostClock.SYSTEM, signal::awaitOrCancelled);
                plan = null;
            } else {
                signal.awaitOrCancelled(migrateAfter);
                plan = awaitPlan(prediction, auto);
                // Not while the model samples: that slows the guest, and its pace is the reference of work lost.
                baseline = Baseline.measureNow(vm, SourcePrediction.baselineWindow(migrateAfter), HostClock.SYSTEM, signal::awaitOrCancelled);
            }
            if (plan != null) System.err.print(plan.estimate().inputsSummary());
            if (auto) {
                Candidate candidate = plan.chosen();
                policy = policySettings.create(candidate.policy());
                // The chosen mode is applied here, with the user's --postcopy-recover-timeout, and --postcopy-after
                // unless the candidate has a switch round of its own.
                PostcopyOptions postcopy = options.postcopy();
                PostcopyOptions chosen = new PostcopyOptions(candidate.migrationMode(), candidate.switchAfter(postcopy.switchAfter()),
                        postcopy.recoverTimeout());
                // Post-copy and hybrid send on one connection (data channels are for pre-copy).
                if (chosen.mode().mayUsePostcopy()) options = options.withTransfer(options.transfer().withChannels(1));
                options = options.withPostcopy(chosen);
                System.err.printf("livemig source: --policy auto chose %s: predicted %.1f s, downtime %.0f ms, %.0f MiB, "
                                + "%.1f %% work lost; %s%n", candidate.options(), plan.predicted().totalTimeMs() / 1000,
                        plan.predicted().downtimeMs(), plan.predicted().transferredBytes() / 1048576.0,
                        plan.predicted().workLostPct(), plan.estimate().recommendation().reason());
            }
            System.err.printf("livemig source: migrating %s (%s, %d vCPU) to %s with policy %s, mode %s%n", vm.program().spec(),
                    io.livemig.workloads.Sizes.human(vm.memory().sizeBytes()), vm.config().vcpus(), to, policy.name(),
                    options.mode().word());
            MigrationStats stats = new MigrationSource(vm, policy, options, new RoundPrinter(), handshake, baseline)
                    .cancellable(signal.cancellation()).migrate(transport, to);
            if (plan != null) stats = stats.toBuilder().prediction(plan.stats()).build();
            if (rehearsalMs != null) stats = stats.toBuilder().rehearsalMs(rehearsalMs).build();
            // A guest lost in post-copy was stopped here: there is nothing left to check.
            if (!stats.completed() && vm.state() != VmState.STOPPED) stats = stats.withSourceGuestVerified(checkSourceGuest(vm, meter));
            printSummary(stats, System.out);
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
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) throw new UsageException("--timeout must be positive");
        if (stallTimeout.isZero() || stallTimeout.isNegative()) throw new UsageException("--stall-timeout must be positive");
        if (latencyAfter.toNanos() > io.livemig.migrator.protocol.LatencyRequest.MAX_WINDOW_NANOS) {
            throw new UsageException("--latency-after must be at most 60s, got " + latencyAfter.toMillis() + " ms");
        }
        PostcopyOptions postcopy = modeOptions.create();
        int channelCount = channels != null ? channels : postcopy.mode().mayUsePostcopy() ? 1 : TransferOptions.defaultChannels();
        if (channelCount < 1 || channelCount > TransferOptions.MAX_CHANNELS) {
            throw new UsageException("--channels must be 1.." + TransferOptions.MAX_CHANNELS + ", got " + channelCount);
        }
        if (channelCount > 1 && postcopy.mode().mayUsePostcopy()) {
            throw new UsageException("--channels " + channelCount + " is for pre-copy: --mode " + postcopy.mode().word()
                    + " sends its pages on one connection");
        }
        if (xbzrle < 0 || xbzrle / channelCount > TransferOptions.MAX_XBZRLE_BYTES_PER_CHANNEL) {
            throw new UsageException("--xbzrle must be 0 (off) up to 1g per channel, got " + xbzrle + " bytes");
        }
        return MigrationOptions.defaults().withBandwidth(bandwidth).withDowntimeLimit(downtimeLimit)
                .withMaxRounds(maxRounds).withVerifyAfterResume(verify == VerifyWhen.AFTER_RESUME).withLatencyWindow(latencyAfter)
                .withPostcopy(postcopy)
                .withTransfer(TransferOptions.DEFAULTS.withCompression(compress).withXbzrle(xbzrle).withChannels(channelCount))
                .withTimeout(timeout);
    }

    /** The convergence policy the options name, with its parameters. */
    ConvergencePolicy policy() {
        return policyOptions.create();
    }

    /**
     * The prediction's plan; null when none was asked for, or when one for a fixed policy failed (a
     * warning, the migration goes on). With auto a failed prediction ends the command: there is no
     * choice to run.
     */
    private static SourcePrediction.Plan awaitPlan(SourcePrediction prediction, boolean auto) throws InterruptedException {
        if (prediction == null) return null;
        try {
            return prediction.await();
        } catch (RuntimeException e) {
            if (auto) throw new AutoFailed("--policy auto could not predict (" + Cli.oneLine(e.getMessage())
                    + "); give --bandwidth, or a fixed --policy");
            System.err.println("livemig source: warning: no prediction: " + Cli.oneLine(e.getMessage()));
            return null;
        }
    }

    /** --policy auto found nothing to choose from: not bad input, a failure before any migration. */
    static final class AutoFailed extends RuntimeException {
        AutoFailed(String message) {
            super(message);
        }
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

    private static String us(double micros) {
        if (micros < 0) return "-";
        return micros >= 1000 ? String.format("%.1f ms", micros / 1000) : String.format("%.1f us", micros);
    }

    /**
     * The summary on stdout: {@code migration completed: ...} ending with the digest's verdict in
     * the destination's words ({@code digest verified}, or {@code digest NOT verified (reason)}),
     * or {@code migration failed: reason} / {@code migration cancelled: reason}.
     */
    static void printSummary(MigrationStats s, PrintStream out) {
        if (s.completed()) {
            DigestVerdict digest = DigestVerdict.of(s);
            out.printf("migration completed: policy %s, %d rounds (%s), downtime %.1f ms (application %.1f ms), "
                            + "total %.0f ms, %.1f MiB sent, max throttle %.1f %%, %s%n",
                    s.policy(), s.rounds(), s.stopReason(), s.downtimeMs(), s.appDowntimeMs(), s.totalTimeMs(),
                    s.transferredBytes() / 1048576.0, s.maxThrottlePct(), digest.words());
            out.printf("operation latency: p99 %s before, %s during (max %s), %s after; clock uncertainty %.3f ms%n",
                    us(s.opLatencyUsP99Before()), us(s.opLatencyUsP99During()), us(s.opLatencyUsMaxDuring()),
                    us(s.opLatencyUsP99After()), s.clockUncertaintyMs());
            if (s.postcopy().mode() != MigrationMode.PRECOPY && s.postcopy().postcopyTimeMs() > 0) {
                out.printf("post-copy: %.0f ms, %d pages pushed, %d requested, %d faults, fault latency p50 %.0f us, "
                                + "p99 %.0f us, max %.0f us, blocktime %.1f ms%n",
                        s.postcopy().postcopyTimeMs(), s.postcopy().postcopyPagesPushed(), s.postcopy().postcopyPagesRequested(),
                        s.postcopy().postcopyFaults(), s.postcopy().faultLatencyUsP50(), s.postcopy().faultLatencyUsP99(),
                        s.postcopy().faultLatencyUsMax(), s.postcopy().blocktimeMs());
            }
            if (s.convergence() == io.livemig.migrator.stats.Convergence.INFEASIBLE) {
                out.printf("convergence infeasible (predicted downtime %.0f ms): %s%n",
                        s.convergencePredictedDowntimeMs() == null ? Double.NaN : s.convergencePredictedDowntimeMs(), s.convergenceReason());
            }
            if (s.prediction() != null) {
                out.printf("predicted (%s, %s %s): downtime %.1f ms (application %.1f ms), total %.0f ms, %.1f MiB sent, "
                                + "%d rounds%n", s.prediction().chosenBy(), s.prediction().chosenPolicy(), s.prediction().chosenMode(),
                        s.prediction().predictedDowntimeMs(), s.prediction().predictedAppDowntimeMs(),
                        s.prediction().predictedTotalTimeMs(), s.prediction().predictedTransferredBytes() / 1048576.0,
                        s.prediction().predictedRounds());
            }
            // Unverified, the error is the digest's reason, already said.
            if (s.error() != null && digest.verified()) out.println("note: " + s.error());
        } else {
            out.println("migration " + s.status() + ": " + s.error());
        }
    }
}
