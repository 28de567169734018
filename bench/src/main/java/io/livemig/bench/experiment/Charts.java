package io.livemig.bench.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.stats.LatencyPoint;
import io.livemig.migrator.stats.StatsJson;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** The experiment's PNG charts, rendered headless with XChart. Medians over repetitions of completed runs. */
public final class Charts {
    static final int WIDTH = 800;
    static final int HEIGHT = 480;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** Writes every chart; returns the file names written, in report order. */
    public static List<String> write(Path out, List<RunResult> results, List<String> policies) throws IOException {
        List<String> files = new ArrayList<>();
        List<RunResult> ok = results.stream().filter(RunResult::ok).toList();
        if (ok.isEmpty()) return files;
        save(downtimeVsRatio(ok, policies), out.resolve("downtime_vs_ratio.png"), files);
        save(perPolicy(ok, policies, "Total migration time per policy", "Total time (s)", r -> r.number("total_time_ms") / 1000),
                out.resolve("total_time.png"), files);
        save(perPolicy(ok, policies, "Application work lost per policy", "Work lost (s of guest work)", Report::workLostSeconds),
                out.resolve("work_lost.png"), files);
        if (!PredictionAccuracy.predicted(ok).isEmpty()) {
            save(PredictionAccuracy.chart(ok, PredictionAccuracy.Figure.TOTAL_TIME, "ms"), out.resolve("predicted_total_time.png"), files);
            save(PredictionAccuracy.chart(ok, PredictionAccuracy.Figure.BYTES, "MiB"), out.resolve("predicted_bytes.png"), files);
            save(PredictionAccuracy.chart(ok, PredictionAccuracy.Figure.DOWNTIME, "ms"), out.resolve("predicted_downtime.png"), files);
        }
        for (String policy : policies) {
            RunResult sample = timelineRun(ok, policy);
            if (sample != null) save(timeline(sample), out.resolve("timeline_" + policy + ".png"), files);
        }
        Map<String, List<LatencyPoint>> latency = new LinkedHashMap<>();
        RunResult anyRun = null;
        for (String policy : policies) {
            RunResult sample = timelineRun(ok, policy);
            List<LatencyPoint> points = sample == null ? List.of() : latencyTimeline(sample);
            if (!points.isEmpty()) {
                latency.put(policy, points);
                anyRun = sample;
            }
        }
        if (!latency.isEmpty()) {
            String ratio = String.format(Locale.ROOT, "%.2gx", anyRun.ratio());
            save(LatencyChart.of("Guest operation latency through the migration (p99 per 100 ms, dirty/bandwidth " + ratio + ")",
                    latency), out.resolve("latency.png"), files);
        }
        return files;
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file, List<String> files) throws IOException {
        try (OutputStream os = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
        files.add(file.getFileName().toString());
    }

    private static XYChart downtimeVsRatio(List<RunResult> ok, List<String> policies) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Host downtime vs dirty rate / bandwidth")
                .xAxisTitle("Dirty rate / bandwidth (x)").yAxisTitle("Host downtime (ms, median)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setChartBackgroundColor(java.awt.Color.WHITE);
        for (String policy : policies) {
            Map<Double, List<Double>> byRatio = new java.util.TreeMap<>();
            for (RunResult r : ok)
                if (r.cell().label().equals(policy) && Double.isFinite(r.ratio())) // an unlimited link has no ratio to plot
                    byRatio.computeIfAbsent(r.ratio(), k -> new ArrayList<>()).add(Math.max(0.1, r.number("downtime_ms")));
            if (byRatio.isEmpty()) continue;
            List<Double> xs = new ArrayList<>(byRatio.keySet());
            List<Double> ys = xs.stream().map(x -> Summary.of(byRatio.get(x)).median()).toList();
            XYSeries s = chart.addSeries(policy, xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static CategoryChart perPolicy(List<RunResult> ok, List<String> policies, String title, String yTitle,
                                           ToDoubleFunction<RunResult> figure) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("Dirty rate / bandwidth (x)").yAxisTitle(yTitle + ", median").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setChartBackgroundColor(java.awt.Color.WHITE);
        TreeSet<Double> ratios = new TreeSet<>();
        ok.forEach(r -> ratios.add(r.ratio()));
        List<String> labels = ratios.stream().map(x -> Double.isNaN(x) ? "?" : Double.isInfinite(x) ? "unlimited" : String.format(Locale.ROOT, "%.2gx", x)).toList();
        for (String policy : policies) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (double ratio : ratios) {
                List<Double> v = new ArrayList<>();
                for (RunResult r : ok)
                    if (r.cell().label().equals(policy) && Double.compare(r.ratio(), ratio) == 0) v.add(figure.applyAsDouble(r));
                double m = Summary.of(v).median();
                any |= !Double.isNaN(m);
                ys.add(Double.isNaN(m) ? 0.0 : m);
            }
            if (any) chart.addSeries(policy, labels, ys);
        }
        return chart;
    }

    /** The run's {@code op_latency_timeline}, empty when it has none. */
    static List<LatencyPoint> latencyTimeline(RunResult run) {
        JsonNode timeline = run.stats() == null ? null : run.stats().get("op_latency_timeline");
        if (timeline == null || !timeline.isArray()) return List.of();
        return List.of(StatsJson.mapper().convertValue(timeline, LatencyPoint[].class));
    }

    /** The first completed run of the policy at the highest ratio: where policies differ most. */
    static RunResult timelineRun(List<RunResult> ok, String policy) {
        RunResult best = null;
        for (RunResult r : ok)
            if (r.cell().label().equals(policy) && (best == null || r.ratio() > best.ratio())) best = r;
        return best;
    }

    private static XYChart timeline(RunResult run) {
        String ratio = String.format(Locale.ROOT, "%.2gx", run.ratio());
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Per-round timeline: " + run.cell().label() + " (run " + run.cell().run() + ", dirty/bandwidth " + ratio + ")")
                .xAxisTitle("Round").build();
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisMax(1, 100.0);
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setChartBackgroundColor(java.awt.Color.WHITE);
        chart.setYAxisGroupTitle(0, "Remaining dirty (MiB) / bandwidth (MiB/s)");
        chart.setYAxisGroupTitle(1, "Throttle (%)");
        Map<String, List<Double>> series = new LinkedHashMap<>();
        List<Double> xs = new ArrayList<>();
        long pageSize = run.stats().path("page_size").asLong(4096);
        for (JsonNode round : run.stats().get("rounds_detail")) {
            xs.add(round.path("round").asDouble());
            series.computeIfAbsent("remaining dirty (MiB)", k -> new ArrayList<>()).add(round.path("dirty_pages").asLong() * pageSize / 1048576.0);
            series.computeIfAbsent("bandwidth (MiB/s)", k -> new ArrayList<>()).add(round.path("bandwidth_bytes_per_s").asDouble() / 1048576.0);
            series.computeIfAbsent("throttle (%)", k -> new ArrayList<>()).add(round.path("throttle_pct").asDouble());
        }
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            XYSeries s = chart.addSeries(e.getKey(), xs, e.getValue());
            s.setMarker(SeriesMarkers.CIRCLE);
            if (e.getKey().startsWith("throttle")) s.setYAxisGroup(1);
        }
        return chart;
    }
}
