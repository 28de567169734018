package io.livemig.bench.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livemig.migrator.stats.StatsJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Writes {@code results.json}, {@code results.csv} (one row per run) and {@code rounds.csv} (one row per round). */
public final class ResultsWriter {
    static final List<String> CELL_COLUMNS = List.of("run", "repetition", "policy", "mode", "workload", "memory", "vcpus",
            "bandwidth", "downtime_limit", "network", "seed", "nominal_ratio", "run_status", "reason", "wall_time_s");
    static final List<String> ROUND_COLUMNS = List.of("round", "pages", "bytes", "duration_ms", "dirty_pages",
            "throttle_pct", "dirty_rate_bytes_per_s", "bandwidth_bytes_per_s", "stop_and_copy");

    private ResultsWriter() {}

    /** One JSON object per run: the cell's parameters, how it ended, then every stats figure. */
    static ObjectNode row(RunResult r) {
        ObjectNode o = StatsJson.mapper().createObjectNode();
        Matrix.Cell c = r.cell();
        o.put("run", c.run()).put("repetition", c.repetition()).put("policy", c.policy()).put("mode", c.mode())
                .put("workload", c.workload())
                .put("memory", c.memory()).put("vcpus", c.vcpus()).put("bandwidth", c.bandwidth())
                .put("downtime_limit", c.downtimeLimit()).put("network", c.network().name());
        if (c.seed() != null) o.put("seed", c.seed()); else o.putNull("seed");
        o.put("nominal_ratio", r.ratio()).put("run_status", r.status()).put("reason", r.reason())
                .put("wall_time_s", Math.round(r.wallTimeS() * 10) / 10.0);
        if (r.stats() != null) {
            for (Iterator<String> it = r.stats().fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!o.has(k)) o.set(k, r.stats().get(k));
            }
        }
        return o;
    }

    public static void write(Path out, List<RunResult> results) throws IOException {
        ArrayNode all = StatsJson.mapper().createArrayNode();
        Set<String> columns = new LinkedHashSet<>(CELL_COLUMNS);
        for (RunResult r : results) {
            ObjectNode o = row(r);
            all.add(o);
            o.fieldNames().forEachRemaining(k -> { if (!o.get(k).isContainerNode()) columns.add(k); });
        }
        StatsJson.write(out.resolve("results.json"), all);

        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", columns));
        for (JsonNode o : all) {
            List<String> cells = new ArrayList<>();
            for (String k : columns) cells.add(csv(o.get(k)));
            lines.add(String.join(",", cells));
        }
        Files.write(out.resolve("results.csv"), lines);

        List<String> rounds = new ArrayList<>();
        rounds.add("run,policy,mode,workload,bandwidth,repetition," + String.join(",", ROUND_COLUMNS) + ",remaining_dirty_bytes");
        for (RunResult r : results) {
            JsonNode detail = r.stats() == null ? null : r.stats().get("rounds_detail");
            if (detail == null) continue;
            long pageSize = r.stats().path("page_size").asLong(4096);
            for (JsonNode round : detail) {
                List<String> cells = new ArrayList<>(List.of(String.valueOf(r.cell().run()), csvText(r.cell().policy()),
                        r.cell().mode(), csvText(r.cell().workload()), csvText(r.cell().bandwidth()), String.valueOf(r.cell().repetition())));
                for (String k : ROUND_COLUMNS) cells.add(csv(round.get(k)));
                cells.add(String.valueOf(round.path("dirty_pages").asLong() * pageSize));
                rounds.add(String.join(",", cells));
            }
        }
        Files.write(out.resolve("rounds.csv"), rounds);
    }

    /** Reads results.json back (for --report-only): each row is both the cell and the stats. */
    static List<RunResult> read(Path resultsJson) throws IOException {
        List<RunResult> results = new ArrayList<>();
        for (JsonNode o : StatsJson.mapper().readTree(resultsJson.toFile())) {
            Long seed = o.path("seed").isNumber() ? o.path("seed").asLong() : null;
            Matrix.Cell cell = new Matrix.Cell(o.path("run").asInt(), o.path("workload").asText(), o.path("memory").asText(),
                    o.path("vcpus").asInt(), o.path("bandwidth").asText(), o.path("downtime_limit").asText(),
                    o.path("policy").asText(), o.path("mode").asText("precopy"), o.path("repetition").asInt(), seed,
                    new Network(o.path("network").asText("direct"), null, null, null, null, null, null, null));
            String status = o.path("run_status").asText();
            results.add(new RunResult(cell, "completed".equals(status), status, o.path("reason").asText(""),
                    o.path("wall_time_s").asDouble(), o.has("rounds_detail") ? o : null));
        }
        return results;
    }

    private static String csv(JsonNode v) {
        if (v == null || v.isNull()) return "";
        return v.isTextual() ? csvText(v.asText()) : v.asText();
    }

    static String csvText(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return '"' + s.replace("\"", "\"\"") + '"';
        return s;
    }
}
