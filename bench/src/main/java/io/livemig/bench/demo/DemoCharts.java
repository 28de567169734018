package io.livemig.bench.demo;

import io.livemig.bench.experiment.LatencyChart;
import io.livemig.migrator.stats.LatencyPoint;
import io.livemig.migrator.stats.MigrationStats;
import org.knowm.xchart.BitmapEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo's chart: the guest's p99 operation latency over time through each policy's migration. */
final class DemoCharts {
    private DemoCharts() {}

    /** Writes {@code latency.png} into {@code dir}; null when no migration completed. */
    static Path writeLatency(Path dir, List<MigrationStats> results) throws IOException {
        Map<String, List<LatencyPoint>> runs = new LinkedHashMap<>();
        for (MigrationStats s : results) {
            if (s.completed() && s.opLatencyTimeline() != null) runs.put(s.policy(), s.opLatencyTimeline());
        }
        if (runs.isEmpty()) return null;
        Files.createDirectories(dir);
        Path file = dir.resolve("latency.png");
        BitmapEncoder.saveBitmap(LatencyChart.of("Guest operation latency (p99 per 100 ms) through each migration", runs),
                file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
