package io.livemig.bench.demo;

import io.livemig.migrator.process.ChildJvm;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.cli.Cli;
import io.livemig.migrator.cli.UsageException;
import io.livemig.migrator.cli.JfrOption;
import io.livemig.migrator.cli.Rehearsal;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.jfr.JfrRecording;
import io.livemig.migrator.migration.Baseline;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.stats.MigrationMode;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.PostcopyOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Sizes;
import io.livemig.workloads.Workload;
import io.livemig.workloads.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code livemig demo}: one guest that dirties memory faster than the link copies it, migrated
 * to a destination JVM (a child process on a free loopback port, one per policy) under each
 * policy in turn; live progress, then one comparison table and a verdict.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Migrates a guest whose dirty rate exceeds the link's bandwidth to a child destination JVM "
                + "under each policy in turn, then prints a comparison table. About a minute with the defaults. "
                + "Exit 0 when every migration completed with its digest verified, 1 otherwise, 2 for bad input.")
public final class DemoCommand implements Callable<Integer> {
    static final String QUICK_MEMORY = "32m";
    static final String QUICK_WORKLOAD = "memwrite:wss=16m,rate=64m";
    static final String QUICK_BANDWIDTH = "16m";
    static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEST_EXIT_TIMEOUT = Duration.ofSeconds(30);
    /** How long each destination follows the guest's latencies after the resume (the chart's "after"). */
    static final Duration LATENCY_WINDOW = Duration.ofSeconds(1);

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "128m", description = "Guest memory (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--vcpus", paramLabel = "N", defaultValue = "1", description = "vCPUs (default: ${DEFAULT-VALUE}).")
    int vcpus;

    @Option(names = "--workload", paramLabel = "SPEC", defaultValue = "memwrite:wss=64m,rate=128m",
            description = "Guest program; the default dirties 128 MiB/s at full CPU, 4x the link (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--bandwidth", paramLabel = "RATE", defaultValue = "32m", description = "Link rate limit (default: ${DEFAULT-VALUE}).")
    String bandwidth;

    @Option(names = "--downtime-limit", paramLabel = "DURATION", defaultValue = "50ms",
            description = "Target downtime (default: ${DEFAULT-VALUE}).")
    String downtimeLimit;

    @Option(names = "--policies", paramLabel = "LIST", split = ",", defaultValue = "none,auto-converge,cpu-scheduling",
            description = "Policies to compare, in order (default: ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "precopy", completionCandidates = ModeWords.class,
            description = "How each migration moves the guest: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); see 'livemig source --help'.")
    String mode;

    @Option(names = "--migrate-after", paramLabel = "DURATION", defaultValue = "1s",
            description = "Run the guest this long before each migration (default: ${DEFAULT-VALUE}).")
    String migrateAfter;

    @Option(names = "--charts", paramLabel = "DIR",
            description = "Where to write the chart of the guest's operation latency through each migration (default: a new temporary directory).")
    Path chartsDir;

    @Mixin
    JfrOption jfr;

    @Option(names = "--rehearse",
            description = "Before the first migration, this JVM and each destination migrate a toy guest to themselves "
                    + "(about a second each), so every policy's migration runs on code compiled beforehand, not the first one's "
                    + "alone on cold code (docs/performance.md, section 12).")
    boolean rehearse;

    @Option(names = "--quick", description = "Tiny settings (" + QUICK_MEMORY + ", " + QUICK_WORKLOAD + ", " + QUICK_BANDWIDTH
            + "): a few seconds per policy.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            memory = QUICK_MEMORY;
            workload = QUICK_WORKLOAD;
            bandwidth = QUICK_BANDWIDTH;
            migrateAfter = "500ms";
        }
        long memoryBytes = Sizes.parseSize(memory);
        long bandwidthBytes = Sizes.parseRate(bandwidth);
        if (bandwidthBytes <= 0) throw new UsageException("--bandwidth must be positive: the demo needs a limited link");
        Duration limit = Duration.ofNanos(Sizes.parseDurationMicros(downtimeLimit) * 1000);
        Duration warmup = Duration.ofNanos(Sizes.parseDurationMicros(migrateAfter) * 1000);
        for (String p : policies)
            if (!PolicySettings.NAMES.contains(p)) throw new UsageException("unknown policy '" + p + "'; known: " + PolicySettings.NAMES);
        MigrationMode migrationMode = modeOf(mode);
        GuestConfig config = new GuestConfig(memoryBytes, vcpus);
        Workloads.parse(workload).checkFits(config.memoryBytes(), config.pageSize(), config.vcpus());

        PrintStream out = System.out;
        boolean terminal = System.console() != null;
        out.printf("livemig demo: %s on a %s guest with %d vCPU, link %s/s, downtime target %s; policies %s; mode %s%n",
                workload, Sizes.human(memoryBytes), vcpus, Sizes.human(bandwidthBytes), downtimeLimit, String.join(", ", policies),
                migrationMode.word());
        Path workDir = Files.createTempDirectory("livemig-demo");
        if (rehearse) Rehearsal.runAndReport("livemig demo", !migrationMode.mayUsePostcopy(), out);
        List<MigrationStats> results = new ArrayList<>();
        try (JfrRecording recording = jfr.start()) {
            for (String policy : policies) {
                MigrationStats stats = migrate(policy, migrationMode, config, bandwidthBytes, limit, warmup, workDir,
                        new DemoProgress(out, policy, memoryBytes, terminal));
                results.add(stats);
            }
        }
        out.println();
        out.print(ComparisonTable.render(results));
        out.println(ComparisonTable.verdict(results));
        out.println();
        out.print(ComparisonTable.renderLatency(results));
        Path chart = DemoCharts.writeLatency(chartsDir != null ? chartsDir : workDir, results);
        if (chart != null) out.println("latency over time through each migration: " + chart);
        if (jfr.file() != null) out.println("flight recordings: " + jfr.file() + " (this JVM, the sources) and " + destRecording("POLICY"));
        boolean allOk = results.stream().allMatch(s -> s.completed() && s.digestVerified());
        return allOk ? Cli.EXIT_OK : Cli.EXIT_FAILED;
    }

    /** {@code --jfr demo.jfr} gives each destination {@code demo-dest-POLICY.jfr} beside it. */
    private Path destRecording(String policy) {
        String name = jfr.file().getFileName().toString();
        String stem = name.endsWith(".jfr") ? name.substring(0, name.length() - 4) : name;
        return jfr.file().toAbsolutePath().resolveSibling(stem + "-dest-" + policy + ".jfr");
    }

    private MigrationStats migrate(String policy, MigrationMode migrationMode, GuestConfig config, long bandwidthBytes,
                                   Duration limit, Duration warmup,
                                   Path workDir, DemoProgress progress) throws Exception {
        Path destErr = workDir.resolve("dest-" + policy + ".err");
        List<String> destArgs = new ArrayList<>(List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "500ms"));
        if (jfr.file() != null) destArgs.addAll(List.of("--jfr", destRecording(policy).toString()));
        if (rehearse) destArgs.add("--rehearse");
        try (ChildJvm dest = ChildJvm.start("dest-" + policy, destArgs, destErr, null)) {
            int port = dest.awaitListening(LISTEN_TIMEOUT);
            Workload program = Workloads.parse(workload);
            MigrationStats stats;
            try (VirtualMachine vm = VirtualMachine.boot("demo-source", config, program);
                 Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
                vm.start();
                Baseline baseline = Baseline.measure(vm, warmup, HostClock.SYSTEM);
                MigrationOptions options = MigrationOptions.defaults().withBandwidth(bandwidthBytes).withDowntimeLimit(limit)
                        .withLatencyWindow(LATENCY_WINDOW).withPostcopy(PostcopyOptions.of(migrationMode));
                progress.start();
                stats = new MigrationSource(vm, PolicySettings.defaults().create(policy), options, progress, new Handshake(),
                        baseline).migrate(transport, new HostPort("127.0.0.1", port));
                progress.finish(stats);
            }
            if (dest.awaitExit(DEST_EXIT_TIMEOUT) == null) progress.note("destination did not exit in time; stopping it");
            return stats;
        }
    }

    private static MigrationMode modeOf(String word) {
        for (MigrationMode m : MigrationMode.values()) if (m.word().equals(word)) return m;
        throw new UsageException("--mode must be precopy, postcopy or hybrid, got '" + word + "'");
    }

    /** The lower-case mode words, for {@code --help}. */
    static final class ModeWords implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(MigrationMode.values()).map(MigrationMode::word).iterator();
        }
    }
}
