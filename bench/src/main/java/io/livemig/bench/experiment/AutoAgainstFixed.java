package io.livemig.bench.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How {@code --policy auto} did against the fixed policies and modes of the same cell (same
 * workload, memory, vCPUs, bandwidth and downtime limit): did it meet the downtime limit where some
 * fixed choice did, and how its work lost compares with the best fixed choice that met it (medians
 * over repetitions).
 */
public final class AutoAgainstFixed {
    static final String AUTO = "auto";

    private AutoAgainstFixed() {}

    /** The report's section; empty when the matrix has no auto runs. */
    static String markdown(List<RunResult> results) {
        Map<String, List<RunResult>> byCell = new LinkedHashMap<>();
        for (RunResult r : results) byCell.computeIfAbsent(cellWithoutPolicy(r.cell()), k -> new ArrayList<>()).add(r);
        StringBuilder md = new StringBuilder();
        for (Map.Entry<String, List<RunResult>> e : byCell.entrySet()) {
            List<RunResult> auto = completed(e.getValue(), AUTO);
            if (auto.isEmpty()) continue;
            if (md.length() == 0) {
                md.append("\n## auto against the fixed policies\n\n")
                        .append("Medians over completed repetitions, (min–max) when they differ. A policy meets the limit when its ")
                        .append("median host downtime does; \"best fixed\" is the fixed policy that meets it with the least work lost. ")
                        .append("Where the best fixed policy's own runs spread wider than the gap, the ratio is noise: ")
                        .append("work lost is counted against a baseline the shared host disturbs.\n\n")
                        .append("| cell | auto chose | auto downtime ms | auto met | best fixed | its work lost s | auto work lost s | auto / best |\n")
                        .append("|---|---|---|---|---|---|---|---|\n");
            }
            double limitMs = Sizes.millis(auto.get(0).cell().downtimeLimit());
            double autoDowntime = median(auto, "downtime_ms");
            Summary autoLost = Summary.of(auto.stream().map(Report::workLostSeconds).toList());
            String bestPolicy = "none met";
            Summary bestLost = null;
            Map<String, List<RunResult>> fixed = new TreeMap<>();
            for (RunResult r : e.getValue()) if (r.ok() && !r.cell().policy().equals(AUTO)) fixed.computeIfAbsent(r.cell().label(), k -> new ArrayList<>()).add(r);
            for (Map.Entry<String, List<RunResult>> f : fixed.entrySet()) {
                if (median(f.getValue(), "downtime_ms") > limitMs) continue;
                Summary lost = Summary.of(f.getValue().stream().map(Report::workLostSeconds).toList());
                if (bestLost == null || lost.median() < bestLost.median()) {
                    bestLost = lost;
                    bestPolicy = f.getKey();
                }
            }
            Map<String, Integer> chosen = new TreeMap<>();
            for (RunResult r : auto) chosen.merge(chosenLabel(r), 1, Integer::sum);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %s | %s | %s |%n", e.getKey(), chosen.toString()
                            .replaceAll("[{}]", ""), autoDowntime, autoDowntime <= limitMs ? "yes" : "no", bestPolicy,
                    bestLost == null ? "–" : bestLost.format("%.2f"), autoLost.format("%.2f"),
                    bestLost == null || bestLost.median() <= 0 ? "–"
                            : String.format(Locale.ROOT, "%.2f", autoLost.median() / bestLost.median())));
        }
        return md.toString();
    }

    /** What an auto run chose, named as the report names series: "cpu-scheduling", "none+hybrid". */
    static String chosenLabel(RunResult r) {
        String policy = r.stats().path("chosen_policy").asText("?");
        String mode = r.stats().path("chosen_mode").asText("precopy");
        return "precopy".equals(mode) ? policy : policy + "+" + mode;
    }

    private static List<RunResult> completed(List<RunResult> runs, String policy) {
        return runs.stream().filter(r -> r.ok() && r.cell().policy().equals(policy)).toList();
    }

    private static double median(List<RunResult> runs, String key) {
        return Summary.of(runs.stream().map(r -> r.number(key)).toList()).median();
    }

    private static String cellWithoutPolicy(Matrix.Cell c) {
        return String.join(" ", c.workload().replaceAll(",?seed=\\d+", ""), c.memory(), c.vcpus() + "vcpu", c.bandwidth(), c.downtimeLimit());
    }

    /** DURATION words to milliseconds. */
    private static final class Sizes {
        static double millis(String duration) {
            return io.livemig.workloads.Sizes.parseDurationMicros(duration) / 1000.0;
        }
    }
}
