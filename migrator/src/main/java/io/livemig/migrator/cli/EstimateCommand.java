package io.livemig.migrator.cli;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.estimate.Compressibility;
import io.livemig.migrator.estimate.Estimate;
import io.livemig.migrator.estimate.Forecast;
import io.livemig.migrator.estimate.GuestSampler;
import io.livemig.migrator.estimate.LinkMeasure;
import io.livemig.migrator.migration.CompressionMode;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.TransferOptions;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.HostPort;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code livemig estimate}: what a migration of this guest would cost, per policy and mode, before it starts. */
@Command(name = "estimate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Boots the guest, samples its dirtying for --sample (its working-set curve W(tau), dirty rate, zero pages, "
                + "CPU share), takes the link rate from --bandwidth or a short probe of a 'livemig dest' (--to), and prints, for "
                + "each convergence policy and migration mode (and hybrid switching after round 0), the predicted total time, downtime, application downtime, bytes, "
                + "rounds, work lost and whether the downtime limit is met, then a recommendation. The model is described in "
                + "docs/estimate.md. Exit status 0, 1 when the probe failed, 2 for bad input.")
final class EstimateCommand implements Callable<Integer> {
    @Mixin
    GuestOptions guest;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Link link = new Link();

    static final class Link {
        @Option(names = "--bandwidth", paramLabel = "RATE", converter = Converters.Rate.class,
                description = "The link rate limit the migration will run with, e.g. 64m; not 0 or unlimited (an estimate needs a rate). With neither --bandwidth nor --to, 100 MiB/s is assumed.")
        Long bandwidth;

        @Option(names = "--to", paramLabel = "HOST:PORT", converter = Converters.Address.class,
                description = "Probe the link to this 'livemig dest' with a short transfer it discards (no guest is made there).")
        HostPort to;
    }

    @Option(names = "--downtime-limit", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "300ms",
            description = "The downtime limit of the migration (default: ${DEFAULT-VALUE}).")
    Duration downtimeLimit;

    @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "" + MigrationOptions.DEFAULT_MAX_ROUNDS,
            description = "The round limit of the migration (default: ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--sample", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "2s",
            description = "How long to sample the guest (the probe included); the estimate finishes about then (default: ${DEFAULT-VALUE}).")
    Duration sample;

    @Option(names = "--stats-json", paramLabel = "FILE", description = "Write the inputs, one object per candidate and the recommendation as JSON.")
    Path statsJson;

    @Option(names = "--compress", paramLabel = "CODEC", defaultValue = "none", converter = Converters.Compression.class,
            completionCandidates = Converters.Compression.Words.class,
            description = "The --compress the migration will use: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). With a codec the "
                    + "estimate samples how the guest's pages compress and how fast, and predicts with the rate pages then move at.")
    CompressionMode compress;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "Shared secret for the probe (as for 'livemig source').")
    Path authTokenFile;

    @Mixin
    TlsOptions tls;

    @Override
    public Integer call() throws Exception {
        guest.refuseUnmigratable();
        if (link.bandwidth != null && link.bandwidth <= 0) {
            throw new UsageException("--bandwidth must be a rate above 0, e.g. 64m: an estimate needs the link's rate "
                    + "(without --bandwidth or --to, 100 MiB/s is assumed)");
        }
        long bandwidth = link.bandwidth == null ? 0 : link.bandwidth;
        if (maxRounds < 1) throw new UsageException("--max-rounds must be >= 1, got " + maxRounds);
        if (downtimeLimit.isZero() || downtimeLimit.isNegative()) throw new UsageException("--downtime-limit must be positive");
        if (sample.compareTo(Duration.ofMillis(200)) < 0 || sample.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new UsageException("--sample must be 200ms..10m, got " + sample.toMillis() + " ms");
        }
        Handshake handshake = new Handshake(authTokenFile == null ? null : AuthToken.load(authTokenFile));
        var connection = tls.connectionOptions();
        MigrationOptions options = MigrationOptions.defaults().withBandwidth(bandwidth).withDowntimeLimit(downtimeLimit)
                .withMaxRounds(maxRounds).withTransfer(TransferOptions.DEFAULTS.withCompression(compress));
        try (VirtualMachine vm = guest.boot("estimate")) {
            vm.start();
            long start = System.nanoTime();
            Duration probeBudget = sample.dividedBy(4).compareTo(LinkOptions.MAX_PROBE) < 0 ? sample.dividedBy(4) : LinkOptions.MAX_PROBE;
            LinkMeasure measured;
            try {
                measured = LinkOptions.measure(bandwidth, link.to, handshake, connection, probeBudget)
                        .compressed(Compressibility.measure(vm.memory(), compress), compress);
            } catch (LinkOptions.ProbeFailed e) {
                System.err.println("livemig estimate: " + e.getMessage());
                return Cli.EXIT_FAILED;
            }
            Duration left = GuestSampler.windowAfter(sample, System.nanoTime() - start);
            GuestSampler.Sample s = GuestSampler.sample(vm, left, !options.verifyAfterResume());
            Estimate estimate = Forecast.of(s, vm.program().spec(), measured, options, PolicySettings.defaults(), null, false, 0);
            System.out.print(estimate.table());
            if (statsJson != null) StatsJson.write(statsJson, estimate);
            return Cli.EXIT_OK;
        }
    }
}
