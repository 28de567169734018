package io.livemig.workloads;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The typed parameters of one workload, checked against the keys it accepts. Every error is one
 * line naming the workload, the key, the bad value and what is accepted.
 */
final class Params {
    private final String workload;
    private final Map<String, String> given;

    Params(String workload, Map<String, String> given, List<String> accepted) {
        this.workload = workload;
        this.given = given;
        for (String key : given.keySet()) {
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' for " + workload + "; accepted: " + String.join(", ", accepted));
            }
        }
    }

    long size(String key, long defaultBytes, long min) {
        String v = given.get(key);
        if (v == null) return defaultBytes;
        long bytes = wrap(key, v, () -> Sizes.parseSize(v));
        if (bytes < min) throw bad(key, v, "must be at least " + Sizes.formatSize(min));
        return bytes;
    }

    /** A rate in bytes/s, or 0 for {@code max}. */
    long rateOrMax(String key) {
        String v = given.get(key);
        if (v == null || v.equalsIgnoreCase("max")) return 0;
        long rate = wrap(key, v, () -> Sizes.parseRate(v));
        if (rate <= 0) throw bad(key, v, "must be above 0, or max");
        return rate;
    }

    long integer(String key, long defaultValue, long min, long max) {
        String v = given.get(key);
        if (v == null) return defaultValue;
        long n = wrap(key, v, () -> Sizes.parseSize(v));
        if (n < min || n > max) throw bad(key, v, "must be from " + min + " to " + max);
        return n;
    }

    double decimal(String key, double defaultValue, double min, double max, boolean maxInclusive) {
        String v = given.get(key);
        if (v == null) return defaultValue;
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "expected a decimal number");
        }
        if (!(d >= min && (maxInclusive ? d <= max : d < max))) {
            throw bad(key, v, "must be from " + min + (maxInclusive ? " to " : " up to but not including ") + max);
        }
        return d;
    }

    long durationMicros(String key, long defaultMicros, long maxMicros) {
        String v = given.get(key);
        if (v == null) return defaultMicros;
        long us = wrap(key, v, () -> Sizes.parseDurationMicros(v));
        if (us > maxMicros) throw bad(key, v, "must be at most " + maxMicros + "us");
        return us;
    }

    String choice(String key, String defaultValue, List<String> options) {
        String v = given.get(key);
        if (v == null) return defaultValue;
        String lower = v.toLowerCase(Locale.ROOT);
        if (!options.contains(lower)) throw bad(key, v, "accepted: " + String.join(", ", options));
        return lower;
    }

    private <T> T wrap(String key, String value, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value for " + workload + " key '" + key + "': " + e.getMessage());
        }
    }

    private IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException("bad value " + Text.quote(value) + " for " + workload + " key '" + key + "': " + why);
    }
}
