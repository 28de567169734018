package io.livemig.bench.experiment;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Predicted against measured, for every completed run that carries the cost model's prediction
 * ({@code source --predict} or {@code --policy auto}, see docs/estimate.md): per figure, the
 * absolute relative error's median, 90th percentile and worst, and the downtime criterion
 * (within 25 % or 20 ms, whichever is larger).
 */
public final class PredictionAccuracy {
    /** A figure compared: its measured and predicted keys in the stats. */
    enum Figure {
        TOTAL_TIME("total time", "total_time_ms", "predicted_total_time_ms", 1),
        BYTES("bytes sent", "transferred_bytes", "predicted_transferred_bytes", 1.0 / 1048576),
        DOWNTIME("host downtime", "downtime_ms", "predicted_downtime_ms", 1),
        APP_DOWNTIME("app downtime", "app_downtime_ms", "predicted_app_downtime_ms", 1),
        ROUNDS("rounds", "rounds", "predicted_rounds", 1),
        WORK_LOST("work lost %", "app_work_lost_pct", "predicted_work_lost_pct", 1);

        final String label;
        final String measuredKey;
        final String predictedKey;
        final double chartScale;

        Figure(String label, String measuredKey, String predictedKey, double chartScale) {
            this.label = label;
            this.measuredKey = measuredKey;
            this.predictedKey = predictedKey;
            this.chartScale = chartScale;
        }
    }

    /** One figure's errors over the runs: absolute relative errors, sorted. */
    record Errors(Figure figure, double[] relative, int worstRun, double worstPredicted, double worstMeasured) {
        int n() { return relative.length; }

        double median() { return quantile(0.5); }

        double p90() { return quantile(0.9); }

        double worst() { return relative.length == 0 ? Double.NaN : relative[relative.length - 1]; }

        /** Nearest-rank quantile. */
        double quantile(double q) {
            if (relative.length == 0) return Double.NaN;
            int rank = (int) Math.ceil(q * relative.length);
            return relative[Math.max(0, Math.min(relative.length - 1, rank - 1))];
        }
    }

    private PredictionAccuracy() {}

    /** The completed runs with a prediction. */
    static List<RunResult> predicted(List<RunResult> results) {
        return results.stream().filter(r -> r.ok() && !Double.isNaN(r.number("predicted_total_time_ms"))).toList();
    }

    static Errors errors(List<RunResult> runs, Figure figure) {
        List<double[]> rows = new ArrayList<>();
        for (RunResult r : runs) {
            double m = r.number(figure.measuredKey);
            double p = r.number(figure.predictedKey);
            if (Double.isNaN(m) || Double.isNaN(p) || m <= 0) continue;
            rows.add(new double[]{Math.abs(p - m) / m, r.cell().run(), p, m});
        }
        rows.sort((a, b) -> Double.compare(a[0], b[0]));
        double[] rel = rows.stream().mapToDouble(x -> x[0]).toArray();
        double[] worst = rows.isEmpty() ? new double[]{Double.NaN, -1, Double.NaN, Double.NaN} : rows.get(rows.size() - 1);
        return new Errors(figure, rel, (int) worst[1], worst[2], worst[3]);
    }

    /** Share of runs whose predicted downtime is within 25 % or 20 ms of the measured one, whichever is larger. */
    static double downtimeWithinBound(List<RunResult> runs) {
        return shareWithin(runs, "predicted_downtime_ms", "predicted_downtime_ms");
    }

    /**
     * Share of runs whose measured downtime falls within the predicted range (the model's courses)
     * ({@code predicted_downtime_low_ms} to {@code _high_ms}), widened by the same bound as
     * {@link #downtimeWithinBound}; NaN when no run carries a range.
     */
    static double downtimeWithinRange(List<RunResult> runs) {
        return shareWithin(runs, "predicted_downtime_low_ms", "predicted_downtime_high_ms");
    }

    private static double shareWithin(List<RunResult> runs, String lowKey, String highKey) {
        int n = 0;
        int within = 0;
        for (RunResult r : runs) {
            double m = r.number("downtime_ms");
            double low = r.number(lowKey);
            double high = r.number(highKey);
            if (Double.isNaN(m) || Double.isNaN(low) || Double.isNaN(high) || m < 0) continue;
            n++;
            double bound = Math.max(0.25 * m, 20);
            if (m >= low - bound && m <= high + bound) within++;
        }
        return n == 0 ? Double.NaN : (double) within / n;
    }

    /** The report's section; empty when no run carries a prediction. */
    static String markdown(List<RunResult> results) {
        List<RunResult> runs = predicted(results);
        if (runs.isEmpty()) return "";
        StringBuilder md = new StringBuilder("\n## Predicted against measured\n\n");
        md.append(String.format(Locale.ROOT, "The cost model's prediction for the policy each run used (docs/estimate.md), "
                + "made from the guest sampled during `--migrate-after`, against what the run measured: %d completed runs. "
                + "Error = |predicted - measured| / measured.%n%n", runs.size()));
        md.append("| figure | runs | median error | p90 error | worst error | worst run (predicted / measured) |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Figure f : Figure.values()) {
            Errors e = errors(runs, f);
            if (e.n() == 0) continue;
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f %% | %.0f %% | %.0f %% | %d (%s / %s) |%n", f.label, e.n(),
                    100 * e.median(), 100 * e.p90(), 100 * e.worst(), e.worstRun(), num(e.worstPredicted() * f.chartScale),
                    num(e.worstMeasured() * f.chartScale)));
        }
        md.append(String.format(Locale.ROOT, "%nHost downtime within 25 %% or 20 ms (whichever is larger): %.0f %% of runs.%n",
                100 * downtimeWithinBound(runs)));
        double inRange = downtimeWithinRange(runs);
        if (!Double.isNaN(inRange)) {
            md.append(String.format(Locale.ROOT, "Within the predicted range (the 10th to 90th percentile of the model's courses "
                    + "where no limit holds the link; the point on a limited link), widened by the same bound: %.0f %% of runs.%n",
                    100 * inRange));
        }
        md.append("\nPer policy (median error of total time / bytes / host downtime):\n\n| policy | runs | total time | bytes | downtime |\n|---|---|---|---|---|\n");
        Map<String, List<RunResult>> byPolicy = new LinkedHashMap<>();
        for (RunResult r : runs) byPolicy.computeIfAbsent(r.cell().label(), k -> new ArrayList<>()).add(r);
        for (Map.Entry<String, List<RunResult>> e : byPolicy.entrySet()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f %% | %.0f %% | %.0f %% |%n", e.getKey(), e.getValue().size(),
                    100 * errors(e.getValue(), Figure.TOTAL_TIME).median(), 100 * errors(e.getValue(), Figure.BYTES).median(),
                    100 * errors(e.getValue(), Figure.DOWNTIME).median()));
        }
        return md.toString();
    }

    /** Predicted against measured for one figure, log-log, one series per policy, with the line y = x. */
    static XYChart chart(List<RunResult> results, Figure figure, String unit) {
        List<RunResult> runs = predicted(results);
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title("Predicted vs measured: " + figure.label).xAxisTitle("Measured (" + unit + ")")
                .yAxisTitle("Predicted (" + unit + ")").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true)
                .setLegendPosition(Styler.LegendPosition.InsideNW).setChartBackgroundColor(java.awt.Color.WHITE);
        Map<String, List<double[]>> byPolicy = new LinkedHashMap<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (RunResult r : runs) {
            double m = r.number(figure.measuredKey) * figure.chartScale;
            double p = r.number(figure.predictedKey) * figure.chartScale;
            if (!(m > 0) || !(p > 0)) continue;
            byPolicy.computeIfAbsent(r.cell().label(), k -> new ArrayList<>()).add(new double[]{m, p});
            lo = Math.min(lo, Math.min(m, p));
            hi = Math.max(hi, Math.max(m, p));
        }
        for (Map.Entry<String, List<double[]>> e : byPolicy.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue().stream().mapToDouble(x -> x[0]).toArray(),
                    e.getValue().stream().mapToDouble(x -> x[1]).toArray()).setMarker(SeriesMarkers.CIRCLE);
        }
        if (hi > 0) {
            XYSeries line = chart.addSeries("predicted = measured", new double[]{lo, hi}, new double[]{lo, hi});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
