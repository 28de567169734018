package io.livemig.bench.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** {@code report.md}: one table row per cell (medians with min–max over repetitions), failures, charts. */
public final class Report {
    private Report() {}

    public static String markdown(Matrix matrix, List<RunResult> results, List<String> charts) {
        StringBuilder md = new StringBuilder();
        long ok = results.stream().filter(RunResult::ok).count();
        md.append("# Experiment: ").append(matrix.name()).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d runs, %d completed with digest verified, %d failed. "
                + "Figures: median over completed repetitions, (min–max) when they differ.%n%n", results.size(), ok, results.size() - ok));
        md.append(table(results));
        md.append("\nThe guest's operation latencies as it lived them (throttle sleeps and the pause included): "
                + "before = the baseline window, during = from the start of the migration until it ran on the destination, "
                + "after = its first second there.\n\n");
        md.append(latencyTable(results));
        List<RunResult> failed = results.stream().filter(r -> !r.ok()).toList();
        if (!failed.isEmpty()) {
            md.append("\n## Failed runs\n\n| run | cell | reason |\n|---|---|---|\n");
            for (RunResult r : failed)
                md.append("| ").append(r.cell().run()).append(" | ").append(r.cell().key()).append(" | ")
                        .append(r.reason().replace("|", "\\|")).append(" |\n");
        }
        md.append(PredictionAccuracy.markdown(results));
        md.append(AutoAgainstFixed.markdown(results));
        if (!charts.isEmpty()) {
            md.append("\n## Charts\n\n");
            for (String c : charts) md.append("![").append(c).append("](").append(c).append(")\n\n");
        }
        return md.toString();
    }

    static String table(List<RunResult> results) {
        Map<String, List<RunResult>> byCell = new LinkedHashMap<>();
        for (RunResult r : results) byCell.computeIfAbsent(r.cell().key(), k -> new ArrayList<>()).add(r);
        StringBuilder md = new StringBuilder();
        md.append("| workload | memory | bandwidth | dirty/bw | downtime limit | policy (+mode) | ok/runs | host downtime ms | app downtime ms "
                + "| total s | rounds | MiB sent | max throttle % | app work lost % | app work lost s | blocktime ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (List<RunResult> runs : byCell.values()) {
            Matrix.Cell c = runs.get(0).cell();
            List<RunResult> ok = runs.stream().filter(RunResult::ok).toList();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2g | %s | %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    c.workload().replaceAll(",?seed=\\d+", ""), c.memory(), c.bandwidth(), runs.get(0).ratio(), c.downtimeLimit(),
                    policyLabel(c, ok), ok.size(), runs.size(),
                    fig(ok, r -> r.number("downtime_ms"), "%.0f"), fig(ok, r -> r.number("app_downtime_ms"), "%.0f"),
                    fig(ok, r -> r.number("total_time_ms") / 1000, "%.1f"), fig(ok, r -> r.number("rounds"), "%.0f"),
                    fig(ok, r -> r.number("transferred_bytes") / 1048576, "%.0f"), fig(ok, r -> r.number("max_throttle_pct"), "%.0f"),
                    fig(ok, r -> r.number("app_work_lost_pct"), "%.1f"), fig(ok, Report::workLostSeconds, "%.2f"),
                    fig(ok, r -> r.number("blocktime_ms"), "%.0f")));
        }
        return md.toString();
    }

    static String latencyTable(List<RunResult> results) {
        Map<String, List<RunResult>> byCell = new LinkedHashMap<>();
        for (RunResult r : results) byCell.computeIfAbsent(r.cell().key(), k -> new ArrayList<>()).add(r);
        StringBuilder md = new StringBuilder();
        md.append("| workload | dirty/bw | policy | op p50 before us | op p99 before us | op p99 during us | op p99.9 during us "
                + "| op max during ms | op p99 after us | clock uncertainty ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (List<RunResult> runs : byCell.values()) {
            Matrix.Cell c = runs.get(0).cell();
            List<RunResult> ok = runs.stream().filter(RunResult::ok).toList();
            md.append(String.format(Locale.ROOT, "| %s | %.2g | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    c.workload().replaceAll(",?seed=\\d+", ""), runs.get(0).ratio(), c.policy(),
                    fig(ok, r -> r.number("op_latency_us_p50_before"), "%.1f"), fig(ok, r -> r.number("op_latency_us_p99_before"), "%.0f"),
                    fig(ok, r -> r.number("op_latency_us_p99_during"), "%.0f"), fig(ok, r -> r.number("op_latency_us_p999_during"), "%.0f"),
                    fig(ok, r -> r.number("op_latency_us_max_during") / 1000, "%.0f"), fig(ok, r -> r.number("op_latency_us_p99_after"), "%.0f"),
                    fig(ok, r -> r.number("clock_uncertainty_ms"), "%.3f")));
        }
        return md.toString();
    }

    /** The series' label, and for {@code auto} the candidates it chose (each once, in order of first choice). */
    static String policyLabel(Matrix.Cell cell, List<RunResult> runs) {
        if (!cell.policy().equals(AutoAgainstFixed.AUTO)) return cell.label();
        List<String> chosen = runs.stream().map(AutoAgainstFixed::chosenLabel).distinct().toList();
        return chosen.isEmpty() ? cell.label() : cell.label() + " (" + String.join(", ", chosen) + ")";
    }

    /** Work lost as seconds of the guest's pre-migration throughput: comparable across runs of different lengths. */
    static double workLostSeconds(RunResult r) {
        double before = r.number("app_ops_per_s_before");
        return before > 0 ? r.number("app_ops_lost") / before : 0;
    }

    private static String fig(List<RunResult> runs, ToDoubleFunction<RunResult> f, String pattern) {
        return Summary.of(runs.stream().map(f::applyAsDouble).toList()).format(pattern);
    }

    public static void write(Path out, Matrix matrix, List<RunResult> results, List<String> charts) throws IOException {
        Files.writeString(out.resolve("report.md"), markdown(matrix, results, charts));
    }
}
