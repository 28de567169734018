package io.livemig.migrator.netlab;

import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A value that changes in steps over time: {@code 0s=100m,5s=10m,10s=100m} means 100 from the
 * start, 10 from 5 s on, 100 again from 10 s on. Each entry holds until the next one; the last
 * holds for ever. Times are DURATIONs counted from the proxy's first connection (a migration's
 * start); the first entry must be at {@code 0s}; times strictly increase.
 */
public final class Schedule {
    private final long[] atNanos;
    private final long[] values;
    private final String text;

    private Schedule(long[] atNanos, long[] values, String text) {
        this.atNanos = atNanos;
        this.values = values;
        this.text = text;
    }

    /** One value for ever. */
    public static Schedule constant(long value) {
        return new Schedule(new long[] {0}, new long[] {value}, "0s=" + value);
    }

    /**
     * Parses {@code T=V[,T=V...]} with {@code value} for each V (e.g. {@link Sizes#parseRate}).
     *
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    public static Schedule parse(String text, String what, ToLongFunction<String> value) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException(what + ": empty schedule");
        List<long[]> steps = new ArrayList<>();
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(what + ": expected TIME=VALUE entries such as 0s=100m,5s=10m, got '" + entry.strip() + "'");
            }
            long atNanos = Math.multiplyExact(Sizes.parseDurationMicros(entry.substring(0, eq).strip()), 1000L);
            long v = value.applyAsLong(entry.substring(eq + 1).strip());
            if (steps.isEmpty() && atNanos != 0) throw new IllegalArgumentException(what + ": the first entry must be at 0s, got '" + entry.strip() + "'");
            if (!steps.isEmpty() && atNanos <= steps.get(steps.size() - 1)[0]) {
                throw new IllegalArgumentException(what + ": times must increase, got '" + entry.strip() + "' after "
                        + steps.get(steps.size() - 1)[0] / 1_000_000 + " ms");
            }
            steps.add(new long[] {atNanos, v});
        }
        long[] at = new long[steps.size()];
        long[] values = new long[steps.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = steps.get(i)[0];
            values[i] = steps.get(i)[1];
        }
        return new Schedule(at, values, text.strip());
    }

    /** The value in force {@code elapsedNanos} after the start. */
    public long valueAt(long elapsedNanos) {
        int i = values.length - 1;
        while (i > 0 && atNanos[i] > elapsedNanos) i--;
        return values[i];
    }

    /** When the value next changes after {@code elapsedNanos}, or {@code Long.MAX_VALUE}. */
    public long nextChangeAfter(long elapsedNanos) {
        for (long at : atNanos) if (at > elapsedNanos) return at;
        return Long.MAX_VALUE;
    }

    public boolean isConstant() {
        for (long v : values) if (v != values[0]) return false;
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
