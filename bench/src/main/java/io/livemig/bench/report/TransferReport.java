package io.livemig.bench.report;

import io.livemig.migrator.migration.CompressionMode;
import io.livemig.migrator.migration.TransferOptions;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 12's transfer figures: each row is RUNS migrations of one setting to a {@code livemig dest}
 * child JVM (policy none), reported as medians (min-max). Effective page throughput is
 * {@code bandwidth_bytes_per_s}: page data moved per second of sending, whatever went on the wire.
 *
 * <pre>
 * TransferReport compress [RUNS]   fill=text 256 MiB at --bandwidth 32m: none, lz4, zstd, auto;
 *                                  then idle 1 GiB random, unlimited: none vs auto
 * TransferReport xbzrle [RUNS]     memwrite:wss=254m,pattern=sequential in 256 MiB at 128m, --xbzrle 256m vs off
 * TransferReport channels [RUNS] [SIZE]  idle random guest, unlimited, 1, 2, 4 channels
 * </pre>
 */
public final class TransferReport {
    private TransferReport() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "compress";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf(Locale.ROOT, "%s, %d runs per row; load average at start %s%n", what, runs, MigrationRun.loadAverage());
        StringBuilder table = new StringBuilder("| setting | effective page MiB/s | wire MiB/s | compression ratio | delta pages | "
                + "rounds | total ms | downtime ms |\n|---|---|---|---|---|---|---|---|\n");
        switch (what) {
            case "compress" -> {
                String text = "memwrite:wss=250m,rate=1m,fill=text";
                for (CompressionMode mode : CompressionMode.values()) {
                    row(table, "fill=text 256 MiB, 32m, " + mode.word(), runs, 256L << 20, text, 32L << 20,
                            TransferOptions.DEFAULTS.withCompression(mode));
                }
                for (CompressionMode mode : new CompressionMode[] {CompressionMode.NONE, CompressionMode.AUTO}) {
                    row(table, "idle 1 GiB random, unlimited, " + mode.word(), runs, 1L << 30, "idle", 0,
                            TransferOptions.DEFAULTS.withCompression(mode));
                }
            }
            case "xbzrle" -> {
                String spec = "memwrite:wss=254m,pattern=sequential";
                row(table, spec + " 256 MiB, 128m, no xbzrle", runs, 256L << 20, spec, 128L << 20, TransferOptions.DEFAULTS);
                row(table, spec + " 256 MiB, 128m, --xbzrle 256m", runs, 256L << 20, spec, 128L << 20,
                        TransferOptions.DEFAULTS.withXbzrle(256L << 20));
            }
            case "channels" -> {
                long size = args.length > 2 ? Sizes.parseSize(args[2]) : 1L << 30;
                for (int n : new int[] {1, 2, 4}) {
                    double ceiling = RawCeiling.measure(size, n);
                    row(table, "idle " + Sizes.human(size) + " random, unlimited, " + n + " channel(s); raw ceiling "
                            + String.format(Locale.ROOT, "%.0f MiB/s", ceiling / MigrationRun.MIB), runs, size, "idle", 0,
                            TransferOptions.DEFAULTS.withChannels(n));
                }
            }
            default -> throw new IllegalArgumentException("compress, xbzrle or channels, not " + what);
        }
        System.out.println();
        System.out.print(table);
        System.out.printf(Locale.ROOT, "%nload average at end %s%n", MigrationRun.loadAverage());
    }

    private static void row(StringBuilder table, String name, int runs, long size, String spec, long bandwidth,
                            TransferOptions transfer) throws Exception {
        List<MigrationStats> stats = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            MigrationStats s = MigrationRun.migrate(size, 1, spec, bandwidth, 500, transfer);
            stats.add(s);
            System.out.printf(Locale.ROOT, "%s run %d: %s; wire %.1f MiB/s, ratio %.2f, delta pages %d, misses %d; load %s%n",
                    name, i + 1, MigrationRun.oneLine(s), MigrationRun.preCopyWireRate(s) / MigrationRun.MIB,
                    s.compressionRatio(), s.deltaPages(), s.deltaCacheMisses(), MigrationRun.loadAverage());
        }
        double mib = MigrationRun.MIB;
        table.append("| ").append(name)
                .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> s.bandwidthBytesPerS() / mib)))
                .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, s -> MigrationRun.preCopyWireRate(s) / mib)))
                .append(" | ").append(MigrationRun.mmm("%.2f", MigrationRun.of(stats, MigrationStats::compressionRatio)))
                .append(" | ").append(MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::deltaPages)))
                .append(" | ").append(MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::rounds)))
                .append(" | ").append(MigrationRun.mmm("%.0f", MigrationRun.of(stats, MigrationStats::totalTimeMs)))
                .append(" | ").append(MigrationRun.mmm("%.1f", MigrationRun.of(stats, MigrationStats::downtimeMs)))
                .append(" |\n");
    }
}
