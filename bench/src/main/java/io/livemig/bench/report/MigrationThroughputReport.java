package io.livemig.bench.report;

import io.livemig.migrator.stats.MigrationStats;
import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 4 benchmarks 1 and 3 (idle part): full migrations of an idle guest (default 1 GiB) filled
 * with random data, unlimited bandwidth, to a {@code livemig dest} in a child JVM; each run preceded
 * by the kernel figure ({@link KernelCeiling}: plain blocking sockets) and the raw-transport ceiling
 * ({@link RawCeiling}) in the same process, so all three see the same host load. The destination
 * preallocates the guest's memory when it accepts the offer (its default; {@code -Dlivemig.prealloc=false}
 * turns it off), which shows in the setup time. Prints each run, then medians (min-max): migration MiB/s vs ceiling MiB/s (target >= 70 %),
 * and the host/application downtime with its breakdown (target host downtime < 10 ms).
 *
 * <p>Usage: {@code MigrationThroughputReport [RUNS] [SIZE]} (defaults 3, 1g).
 */
public final class MigrationThroughputReport {
    private MigrationThroughputReport() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long size = args.length > 1 ? Sizes.parseSize(args[1]) : 1L << 30;
        String spec = "idle";
        System.out.printf(Locale.ROOT, "idle %s guest, random data, unlimited bandwidth, %d runs; load average at start %s%n",
                Sizes.human(size), runs, MigrationRun.loadAverage());
        List<MigrationStats> stats = new ArrayList<>();
        double[] kernel = new double[runs];
        double[] ceiling = new double[runs];
        double[] ratio = new double[runs];
        double[] kernelRatio = new double[runs];
        for (int i = 0; i < runs; i++) {
            kernel[i] = KernelCeiling.measure(size);
            ceiling[i] = RawCeiling.measure(size);
            MigrationStats s = MigrationRun.migrate(size, 1, spec, 0, 500);
            stats.add(s);
            ratio[i] = s.bandwidthBytesPerS() / ceiling[i];
            kernelRatio[i] = s.bandwidthBytesPerS() / kernel[i];
            System.out.printf(Locale.ROOT, "run %d: kernel %.1f MiB/s; ceiling %.1f MiB/s; migration: %s; ratio %.1f %%; load %s%n",
                    i + 1, kernel[i] / MigrationRun.MIB, ceiling[i] / MigrationRun.MIB, MigrationRun.oneLine(s), 100 * ratio[i],
                    MigrationRun.loadAverage());
        }
        double mib = MigrationRun.MIB;
        System.out.println();
        System.out.println("| figure | median (min-max) |");
        System.out.println("|---|---|");
        row("kernel: blocking socket, 512 KiB writes (MiB/s)", MigrationRun.mmm("%.0f", scale(kernel, 1 / mib)));
        row("raw transport ceiling (MiB/s)", MigrationRun.mmm("%.0f", scale(ceiling, 1 / mib)));
        row("migration bandwidth_bytes_per_s (MiB/s)", MigrationRun.mmm("%.0f", MigrationRun.of(stats, s -> s.bandwidthBytesPerS() / mib)));
        row("migration, round 0 bytes / round 0 time (MiB/s)", MigrationRun.mmm("%.0f", MigrationRun.of(stats, s -> MigrationRun.preCopyRate(s) / mib)));
        row("migration, bytes / (total - setup) (MiB/s)", MigrationRun.mmm("%.0f",
                MigrationRun.of(stats, s -> s.transferredBytes() * 1000.0 / (s.totalTimeMs() - s.setupTimeMs()) / mib)));
        row("ratio bandwidth / ceiling (%)", MigrationRun.mmm("%.1f", scale(ratio, 100)));
        row("ratio bandwidth / kernel (%)", MigrationRun.mmm("%.1f", scale(kernelRatio, 100)));
        row("setup time (ms)", MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::setupTimeMs)));
        row("total time (ms)", MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::totalTimeMs)));
        row("host downtime (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::downtimeMs)));
        row("  pause (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::pauseMs)));
        row("  final transfer (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::finalTransferMs)));
        row("  verify (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::verifyMs)));
        row("  resume (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::resumeMs)));
        row("application downtime (ms)", MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::appDowntimeMs)));
        System.out.printf(Locale.ROOT, "%nload average at end %s%n", MigrationRun.loadAverage());
    }

    static void row(String name, String value) {
        System.out.println("| " + name + " | " + value + " |");
    }

    static double[] scale(double[] v, double k) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i] * k;
        return r;
    }
}
