package io.livemig.bench.experiment;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One run of a matrix: its cell, how it ended, and the source's {@code --stats-json} object
 * ({@code null} when the source wrote none). {@code ok} = migration completed with digest verified.
 */
public record RunResult(Matrix.Cell cell, boolean ok, String status, String reason, double wallTimeS, JsonNode stats) {

    public double number(String key) {
        if (stats == null || !stats.has(key) || !stats.get(key).isNumber()) return Double.NaN;
        return stats.get(key).asDouble();
    }

    /** Dirty rate over bandwidth: the cell's nominal one, else the first round's measured one. */
    public double ratio() {
        double nominal = cell.nominalRatio();
        if (!Double.isNaN(nominal)) return nominal;
        JsonNode rounds = stats == null ? null : stats.get("rounds_detail");
        if (rounds == null || rounds.isEmpty()) return Double.NaN;
        return rounds.get(0).path("dirty_rate_bytes_per_s").asDouble() / cell.bandwidthBytesPerS();
    }
}
