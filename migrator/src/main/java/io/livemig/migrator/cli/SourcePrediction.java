package io.livemig.migrator.cli;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.estimate.Candidate;
import io.livemig.migrator.estimate.Compressibility;
import io.livemig.migrator.estimate.Estimate;
import io.livemig.migrator.estimate.Forecast;
import io.livemig.migrator.estimate.GuestSampler;
import io.livemig.migrator.estimate.LinkMeasure;
import io.livemig.migrator.estimate.Prediction;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.stats.CandidateFigures;
import io.livemig.migrator.stats.PredictionStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.IoCodeCompilation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code source --policy auto} and {@code --predict}: while the guest runs its {@code --migrate-after}
 * window, a thread of its own probes the link to the destination (the rate never above
 * {@code --bandwidth}: a busy host may carry less) and samples the guest, then the model predicts
 * every candidate. With auto the {@link io.livemig.migrator.estimate.AutoChoice}
 * pick runs; otherwise the prediction of the policy the user chose is recorded beside what happens.
 */
final class SourcePrediction {
    /** The name {@code --policy} takes for the model's choice. */
    static final String AUTO = "auto";

    /** What will run, and what the model predicted for it. */
    record Plan(Candidate chosen, boolean auto, Prediction predicted, Estimate estimate) {
        PredictionStats stats() {
            return new PredictionStats(predicted.totalTimeMs(), predicted.downtimeMs(), predicted.downtimeLowMs(),
                    predicted.downtimeHighMs(), predicted.appDowntimeMs(),
                    predicted.transferredBytes(), predicted.rounds(), predicted.workLostPct(), predicted.limitMet(), chosen.policy(),
                    chosen.mode(), auto ? "auto" : "fixed", chosen.postcopyAfter() == Candidate.AS_CONFIGURED ? null : chosen.postcopyAfter(),
                    estimate.candidates().stream().map(Plan::figures).toList(), predicted.roundsDetail());
        }

        private static CandidateFigures figures(Prediction p) {
            return new CandidateFigures(p.policy(), p.mode(), p.postcopyAfter(), p.totalTimeMs(), p.downtimeMs(), p.appDowntimeMs(), p.transferredBytes(),
                    p.rounds(), p.workLostS(), p.workLostPct(), p.limitMet(), p.endedBy());
        }
    }

    private final CompletableFuture<Plan> plan;

    private static final Duration MIN_BASELINE_WINDOW = Duration.ofMillis(200);

    /**
     * The window in which the source measures the guest's baseline after the sample (not beside it:
     * the sample slows the guest): half of {@code --migrate-after}, at least 200 ms. The migration
     * starts that much after the sample ends, and the model is told so.
     */
    static Duration baselineWindow(Duration migrateAfter) {
        Duration half = migrateAfter.dividedBy(2);
        return half.compareTo(MIN_BASELINE_WINDOW) < 0 ? MIN_BASELINE_WINDOW : half;
    }

    private SourcePrediction(CompletableFuture<Plan> plan) {
        this.plan = plan;
    }

    /**
     * Starts sampling {@code vm} (running) for {@code window} on a new thread.
     *
     * @param fixedPolicy the user's policy, or {@link #AUTO}
     * @param pinnedMode   with auto, the mode the user pinned with {@code --mode} (the choice stays in it), or null
     * @param switchPinned the user gave {@code --postcopy-after} (auto keeps it)
     */
    static SourcePrediction start(VirtualMachine vm, Duration window, String fixedPolicy, String pinnedMode, boolean switchPinned,
                                  PolicySettings policies,
                                  MigrationOptions options, HostPort to, Handshake handshake, ConnectionOptions connection) {
        CompletableFuture<Plan> plan = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                long start = System.nanoTime();
                Duration probeBudget = window.dividedBy(4).compareTo(LinkOptions.MAX_PROBE) < 0 ? window.dividedBy(4) : LinkOptions.MAX_PROBE;
                LinkMeasure link = link(options.bandwidthBytesPerS(), to, handshake, connection, probeBudget)
                        .compressed(Compressibility.measure(vm.memory(), options.transfer().compression()), options.transfer().compression());
                // The digest is timed as `estimate` times it: the baseline is measured after the sample.
                GuestSampler.Sample sample = GuestSampler.sample(vm, GuestSampler.windowAfter(window, System.nanoTime() - start),
                        !options.verifyAfterResume());
                Estimate estimate = Forecast.of(sample, vm.program().spec(), link, options, policies, pinnedMode, switchPinned,
                        baselineWindow(window).toNanos());
                boolean auto = AUTO.equals(fixedPolicy);
                Candidate chosen = auto ? estimate.recommendation().candidate() : Candidate.of(fixedPolicy, options.mode());
                // As a fixed pre-copy source does as it starts: the directives' install (JMX, some
                // 150 ms of CPU) then runs while the guest waits out --migrate-after, not beside the
                // baseline or the migration's first round.
                if (auto && !chosen.migrationMode().mayUsePostcopy()) IoCodeCompilation.requestOnce();
                Prediction predicted = estimate.candidates().stream().filter(p -> p.candidate().equals(chosen)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no prediction for " + chosen.label()));
                plan.complete(new Plan(chosen, auto, predicted, estimate));
            } catch (Throwable e) {
                plan.completeExceptionally(e);
            }
        }, "source-prediction");
        thread.setDaemon(true);
        thread.start();
        return new SourcePrediction(plan);
    }

    /** The probe's measure; with a --bandwidth to fall back on, a failed probe only costs a warning. */
    private static LinkMeasure link(long bandwidth, HostPort to, Handshake handshake, ConnectionOptions connection,
                                         Duration budget) {
        try {
            return LinkOptions.measure(bandwidth, to, handshake, connection, budget);
        } catch (LinkOptions.ProbeFailed e) {
            if (bandwidth <= 0) throw e;
            System.err.println("livemig source: " + e.getMessage() + "; predicting with the --bandwidth limit");
            return LinkOptions.measure(bandwidth, null, handshake, connection, budget);
        }
    }

    /** Waits for the plan. */
    Plan await() throws InterruptedException {
        try {
            return plan.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            throw new IllegalStateException("the prediction failed: " + cause, cause);
        }
    }
}
