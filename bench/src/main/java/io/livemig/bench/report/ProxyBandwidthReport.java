package io.livemig.bench.report;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Sizes;
import io.livemig.workloads.Workloads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bandwidth through a shaped link: a guest whose every page is random (so each one is sent) migrates
 * from this JVM through a {@code livemig proxy} JVM (LATENCY round trip, RATE each way) to a
 * {@code livemig dest} JVM. Prints, per run, the pre-copy rate (page bytes over the time of the
 * pre-copy rounds, each round's wait for its acknowledgement included) and the overall
 * {@code bandwidth_bytes_per_s}, against the proxy's limit.
 *
 * <pre>java ... io.livemig.bench.report.ProxyBandwidthReport [LATENCY=20ms] [RATE=100m] [MEMORY=256m] [RUNS=3]</pre>
 */
public final class ProxyBandwidthReport {
    private ProxyBandwidthReport() {}

    public static void main(String[] args) throws Exception {
        String latency = args.length > 0 ? args[0] : "20ms";
        String rate = args.length > 1 ? args[1] : "100m";
        long memory = Sizes.parseSize(args.length > 2 ? args[2] : "256m");
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        double limit = Sizes.parseRate(rate);
        System.out.printf(Locale.ROOT, "through livemig proxy --latency %s --bandwidth %s: a %s guest of random pages, policy none; "
                + "load average %s%n", latency, rate, Sizes.human(memory), MigrationRun.loadAverage());
        System.out.println("| run | rounds | MiB sent | pre-copy MiB/s | % of limit | bandwidth_bytes_per_s MiB/s | % of limit | total ms | downtime ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<Double> preCopy = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            MigrationStats s = migrate(memory, latency, rate);
            double pre = MigrationRun.preCopyRate(s);
            preCopy.add(pre);
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f |%n", run, s.rounds(),
                    s.transferredBytes() / MigrationRun.MIB, pre / MigrationRun.MIB, 100 * pre / limit,
                    s.bandwidthBytesPerS() / MigrationRun.MIB, 100 * s.bandwidthBytesPerS() / limit, s.totalTimeMs(), s.downtimeMs());
        }
        double median = MigrationRun.median(preCopy.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(Locale.ROOT, "median pre-copy rate %.1f MiB/s = %.1f %% of the %s limit%n", median / MigrationRun.MIB,
                100 * median / limit, rate);
    }

    private static MigrationStats migrate(long memory, String latency, String rate) throws Exception {
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s"));
             VirtualMachine vm = VirtualMachine.boot("bench-source", new GuestConfig(memory, 1), Workloads.parse("idle"))) {
            MigrationRun.fillRandom(vm.memory(), Workloads.requiredBytes(vm.program(), vm.config()), 42);
            int destPort = dest.awaitListening(Duration.ofSeconds(120));
            try (ChildJvm proxy = ChildJvm.livemig("proxy", List.of("proxy", "--listen", "127.0.0.1:0",
                    "--to", "127.0.0.1:" + destPort, "--latency", latency, "--bandwidth", rate));
                 Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
                int port = proxy.awaitListening(Duration.ofSeconds(120));
                vm.start();
                Thread.sleep(300);
                MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, new HostPort("127.0.0.1", port));
                if (!stats.completed() || !stats.digestVerified()) {
                    throw new IllegalStateException("migration " + stats.status() + ": " + stats.error() + "\nproxy:\n" + proxy.output());
                }
                dest.awaitExit(Duration.ofSeconds(60));
                return stats;
            }
        }
    }
}
