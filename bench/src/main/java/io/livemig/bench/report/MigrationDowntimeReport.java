package io.livemig.bench.report;

import io.livemig.migrator.stats.MigrationStats;
import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 4 benchmark 3 (dirtying part): host and application downtime, with its breakdown, of a
 * guest that dirties memory while it migrates (default {@code memwrite:wss=128m,rate=25m} in a
 * 256 MiB guest at {@code --bandwidth 50m}, i.e. dirtying at about half the link), policy
 * {@code none}, default downtime limit (300 ms), to a {@code livemig dest} in a child JVM. The
 * rest of the guest is random data. The guest runs 2 s before the migration (calibration).
 *
 * <p>Usage: {@code MigrationDowntimeReport [RUNS] [SIZE] [SPEC] [RATE]}.
 */
public final class MigrationDowntimeReport {
    private MigrationDowntimeReport() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long size = args.length > 1 ? Sizes.parseSize(args[1]) : 256L << 20;
        String spec = args.length > 2 ? args[2] : "memwrite:wss=128m,rate=25m";
        String rateText = args.length > 3 ? args[3] : "50m";
        long rate = Sizes.parseRate(rateText);
        System.out.printf(Locale.ROOT, "%s in %s, bandwidth %s, %d runs; load average at start %s%n",
                spec, Sizes.human(size), rateText, runs, MigrationRun.loadAverage());
        List<MigrationStats> stats = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            MigrationStats s = MigrationRun.migrate(size, 1, spec, rate, 2000);
            stats.add(s);
            System.out.printf(Locale.ROOT, "run %d: %s; dirty rate %.1f MiB/s; load %s%n", i + 1, MigrationRun.oneLine(s),
                    s.dirtyRateBytesPerS() / MigrationRun.MIB, MigrationRun.loadAverage());
            s.roundsDetail().forEach(r -> System.out.println("    " + r.line()));
        }
        System.out.println();
        System.out.println("| figure | median (min-max) |");
        System.out.println("|---|---|");
        MigrationThroughputReport.row("rounds", MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::rounds)));
        MigrationThroughputReport.row("dirty rate (MiB/s)", MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> s.dirtyRateBytesPerS() / MigrationRun.MIB)));
        MigrationThroughputReport.row("last-round pages", MigrationRun.mmm("%.0f", MigrationRun.of(stats,
                s -> s.roundsDetail().get(s.roundsDetail().size() - 1).pages())));
        MigrationThroughputReport.row("total time (ms)", MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::totalTimeMs)));
        MigrationThroughputReport.row("host downtime (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::downtimeMs)));
        MigrationThroughputReport.row("  pause (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::pauseMs)));
        MigrationThroughputReport.row("  final transfer (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::finalTransferMs)));
        MigrationThroughputReport.row("  verify (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::verifyMs)));
        MigrationThroughputReport.row("  resume (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::resumeMs)));
        MigrationThroughputReport.row("application downtime (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::appDowntimeMs)));
        System.out.printf(Locale.ROOT, "%nload average at end %s%n", MigrationRun.loadAverage());
    }
}
