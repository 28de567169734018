package io.livemig.migrator.latency;

import io.livemig.migrator.protocol.LatencyReport.LatencySummary;
import org.HdrHistogram.Histogram;

/** Turning latency histograms (nanoseconds per operation) into the figures that are reported. */
public final class Latencies {
    /** The precision the emulator records with; histograms that are merged must share it. */
    public static final int SIGNIFICANT_DIGITS = 2;
    public static final LatencySummary NONE = new LatencySummary(0, 0, 0, 0, 0);

    private Latencies() {}

    /** An empty, auto-resizing histogram of nanoseconds. */
    public static Histogram histogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    public static LatencySummary summarize(Histogram h) {
        if (h.getTotalCount() == 0) return NONE;
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    /** Nanoseconds as microseconds (what the stats report). */
    public static double micros(long nanos) {
        return nanos / 1e3;
    }
}
