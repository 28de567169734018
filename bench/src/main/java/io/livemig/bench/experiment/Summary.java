package io.livemig.bench.experiment;

import org.HdrHistogram.DoubleHistogram;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Median, min and max of one figure over repetitions (NaN values skipped), from an HdrHistogram
 * {@link DoubleHistogram} at four significant digits. The median is the nearest-rank 50th
 * percentile: the middle value of an odd count, the lower of the two middle ones of an even count.
 */
public record Summary(int n, double median, double min, double max) {
    static final int SIGNIFICANT_DIGITS = 4;

    public static Summary of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) return new Summary(0, Double.NaN, Double.NaN, Double.NaN);
        // A DoubleHistogram fixes its range from its first non-zero value and holds no negative one:
        // record every figure shifted so that the smallest becomes 1 (zeros and -1 "not measured" included).
        double shift = Arrays.stream(v).min().orElse(0) - 1;
        DoubleHistogram h = new DoubleHistogram(SIGNIFICANT_DIGITS);
        for (double x : v) h.recordValue(x - shift);
        return new Summary(v.length, h.getValueAtPercentile(50) + shift, h.getMinValue() + shift, h.getMaxValue() + shift);
    }

    public static Summary of(double... values) {
        return of(Arrays.stream(values).boxed().toList());
    }

    public static double median(double... values) {
        return of(values).median();
    }

    /** "median (min–max)", or just the median when the range shows as one number. */
    public String format(String pattern) {
        if (n == 0) return "–";
        String m = String.format(Locale.ROOT, pattern, median);
        String lo = String.format(Locale.ROOT, pattern, min);
        String hi = String.format(Locale.ROOT, pattern, max);
        if (n == 1 || lo.equals(hi)) return m;
        return m + " (" + lo + "–" + hi + ")";
    }
}
