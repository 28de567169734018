package io.livemig.bench.experiment;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Median, min and max of one figure over repetitions (NaN values skipped). */
public record Summary(int n, double median, double min, double max) {
    public static Summary of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) return new Summary(0, Double.NaN, Double.NaN, Double.NaN);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Summary(v.length, median, v[0], v[v.length - 1]);
    }

    public static double median(double... values) {
        return of(Arrays.stream(values).boxed().toList()).median();
    }

    /** "median (min–max)", or just the median when there is one value. */
    public String format(String pattern) {
        if (n == 0) return "–";
        String m = String.format(Locale.ROOT, pattern, median);
        if (n == 1 || min == max) return m;
        return m + " (" + String.format(Locale.ROOT, pattern, min) + "–" + String.format(Locale.ROOT, pattern, max) + ")";
    }
}
