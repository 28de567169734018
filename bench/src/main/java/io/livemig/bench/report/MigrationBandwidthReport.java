package io.livemig.bench.report;

import io.livemig.migrator.stats.MigrationStats;
import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 4 benchmark 2: how closely {@code --bandwidth} is held. An idle guest (default 256 MiB)
 * filled with random data is migrated with each limit (default 50m and 200m) to a
 * {@code livemig dest} in a child JVM; achieved = bytes on the wire over pre-copy time (what the
 * limit limits: frames, entries and page data) and {@code bandwidth_bytes_per_s} (page data over
 * all sending time), each as % of the limit (target 95..101 % on the wire).
 *
 * <p>Usage: {@code MigrationBandwidthReport [RUNS] [SIZE] [RATE...]} (defaults 3, 256m, 50m 200m).
 */
public final class MigrationBandwidthReport {
    private MigrationBandwidthReport() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long size = args.length > 1 ? Sizes.parseSize(args[1]) : 256L << 20;
        List<String> rates = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("50m", "200m");
        System.out.printf(Locale.ROOT, "idle %s guest, random data, %d runs per limit; load average at start %s%n",
                Sizes.human(size), runs, MigrationRun.loadAverage());
        StringBuilder table = new StringBuilder("| limit | pre-copy wire bytes/time (MiB/s) | % of limit | bandwidth_bytes_per_s (MiB/s) | % of limit | total time (ms) |\n|---|---|---|---|---|---|\n");
        for (String rateText : rates) {
            long rate = Sizes.parseRate(rateText);
            List<MigrationStats> stats = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                MigrationStats s = MigrationRun.migrate(size, 1, "idle", rate, 500);
                stats.add(s);
                System.out.printf(Locale.ROOT, "limit %s run %d: %s; wire %.1f %% / page data %.1f %% of the limit; load %s%n", rateText, i + 1,
                        MigrationRun.oneLine(s), 100 * MigrationRun.preCopyWireRate(s) / rate, 100 * s.bandwidthBytesPerS() / rate,
                        MigrationRun.loadAverage());
            }
            double mib = MigrationRun.MIB;
            table.append("| ").append(rateText)
                    .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> MigrationRun.preCopyWireRate(s) / mib)))
                    .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> 100 * MigrationRun.preCopyWireRate(s) / rate)))
                    .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> s.bandwidthBytesPerS() / mib)))
                    .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> 100 * s.bandwidthBytesPerS() / rate)))
                    .append(" | ").append(MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::totalTimeMs)))
                    .append(" |\n");
        }
        System.out.println();
        System.out.print(table);
        System.out.printf(Locale.ROOT, "%nload average at end %s%n", MigrationRun.loadAverage());
    }
}
