package io.livemig.bench.demo;

import io.livemig.migrator.stats.MigrationStats;

import java.util.List;
import java.util.Locale;

/** The demo's one comparison table and its one-line verdict. */
final class ComparisonTable {
    static final String HEADER = String.format(Locale.ROOT, "%-15s %12s %12s %9s %7s %9s %9s %10s %9s",
            "policy", "downtime ms", "app down ms", "total s", "rounds", "MiB sent", "throttle%", "work lost%", "verified");

    private ComparisonTable() {}

    static String render(List<MigrationStats> results) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (MigrationStats s : results) {
            if (!s.completed()) {
                sb.append(String.format(Locale.ROOT, "%-15s FAILED: %s%n", s.policy(), s.error()));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%-15s %12.1f %12.1f %9.1f %7d %9.1f %9.1f %10.1f %9s%n",
                    s.policy(), s.downtimeMs(), s.appDowntimeMs(), s.totalTimeMs() / 1000, s.rounds(),
                    s.transferredBytes() / 1048576.0, s.maxThrottlePct(), s.appWorkLostPct(), s.digestVerified() ? "yes" : "NO"));
        }
        return sb.toString();
    }

    static final String LATENCY_HEADER = String.format(Locale.ROOT, "%-15s %12s %12s %12s %12s %12s %12s",
            "op latency", "p50 before", "p99 before", "p99 during", "p99.9 during", "max during", "p99 after");

    /** The guest's operation latencies, as it lived them, before, during and after each migration. */
    static String renderLatency(List<MigrationStats> results) {
        StringBuilder sb = new StringBuilder(LATENCY_HEADER).append('\n');
        for (MigrationStats s : results) {
            if (!s.completed()) continue;
            sb.append(String.format(Locale.ROOT, "%-15s %12s %12s %12s %12s %12s %12s%n", s.policy(), time(s.opLatencyUsP50Before()),
                    time(s.opLatencyUsP99Before()), time(s.opLatencyUsP99During()), time(s.opLatencyUsP999During()),
                    time(s.opLatencyUsMaxDuring()), time(s.opLatencyUsP99After())));
        }
        return sb.toString();
    }

    /** Microseconds for people: "850 us", "12.3 ms", "-" when not measured. */
    static String time(double micros) {
        if (micros < 0) return "-";
        if (micros < 1_000) return String.format(Locale.ROOT, "%.1f us", micros);
        return String.format(Locale.ROOT, "%.1f ms", micros / 1_000);
    }

    static String verdict(List<MigrationStats> results) {
        MigrationStats none = find(results, "none");
        MigrationStats cpu = find(results, "cpu-scheduling");
        if (none == null || cpu == null) return "verdict: run both 'none' and 'cpu-scheduling' for a comparison";
        if (!none.completed() || !cpu.completed()) return "verdict: no comparison, a migration failed";
        double cut = none.downtimeMs() <= 0 ? 0 : 100 * (1 - cpu.downtimeMs() / none.downtimeMs());
        double appCut = none.appDowntimeMs() <= 0 ? 0 : 100 * (1 - cpu.appDowntimeMs() / none.appDowntimeMs());
        return String.format(Locale.ROOT, "verdict: cpu-scheduling %s downtime by %.0f %% vs none (application downtime by %.0f %%)",
                cut >= 0 ? "cut" : "raised", Math.abs(cut), appCut);
    }

    private static MigrationStats find(List<MigrationStats> results, String policy) {
        return results.stream().filter(s -> policy.equals(s.policy())).findFirst().orElse(null);
    }
}
