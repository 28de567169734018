package io.livemig.bench.experiment;

import io.livemig.migrator.stats.LatencyPoint;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The guest's operation latency over time through a migration (XChart): for each labelled run the
 * p99 of every sampling interval (and, with one run, the max), on a log scale, against seconds
 * since the migration started; vertical lines at the start, the pause and the resume of the first run.
 */
public final class LatencyChart {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LatencyChart() {}

    /** @param runs label (e.g. the policy) to the run's {@code op_latency_timeline} */
    public static XYChart of(String title, Map<String, List<LatencyPoint>> runs) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title(title)
                .xAxisTitle("Time since the migration started (s)").yAxisTitle("Operation latency (us, log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        boolean single = runs.size() == 1;
        boolean marked = false;
        for (Map.Entry<String, List<LatencyPoint>> run : runs.entrySet()) {
            List<LatencyPoint> points = run.getValue().stream().filter(p -> p.ops() > 0).toList();
            if (points.isEmpty()) continue;
            addSeries(chart, single ? "p99" : run.getKey() + " p99", points, true);
            if (single) addSeries(chart, "max", points, false);
            if (!marked) {
                mark(chart, run.getValue());
                marked = true;
            }
        }
        return chart;
    }

    private static void addSeries(XYChart chart, String name, List<LatencyPoint> points, boolean p99) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (LatencyPoint p : points) {
            xs.add((p.startMs() + p.endMs()) / 2000);
            ys.add(Math.max(0.01, p99 ? p.p99Us() : p.maxUs()));
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    /**
     * Lines where the migration started (t = 0) and, for a completed one, where the guest paused and
     * resumed: the last "during" interval is the pause itself, seen by the operations it held up.
     */
    private static void mark(XYChart chart, List<LatencyPoint> points) {
        chart.addAnnotation(new AnnotationLine(0, true, false));
        LatencyPoint lastDuring = null;
        boolean after = false;
        for (LatencyPoint p : points) {
            if (p.phase().equals("during")) lastDuring = p;
            after |= p.phase().equals("after");
        }
        if (lastDuring != null && after) {
            chart.addAnnotation(new AnnotationLine(lastDuring.startMs() / 1000, true, false));
            chart.addAnnotation(new AnnotationLine(lastDuring.endMs() / 1000, true, false));
        }
    }
}
