package io.livemig.workloads;

import java.util.Locale;

/**
 * Parsing and printing of the command-line quantities: SIZE (bytes, with {@code k}, {@code m},
 * {@code g}, {@code t} for KiB, MiB, GiB, TiB), RATE (bytes per second, same suffixes, an optional
 * {@code /s}) and DURATION ({@code us}, {@code ms}, {@code s}). Negative numbers, garbage and
 * values that overflow a {@code long} are refused with one line that says what is accepted.
 */
public final class Sizes {
    private static final String SIZE_HELP =
            "expected a whole number of bytes with an optional k, m, g or t suffix (KiB, MiB, GiB, TiB), e.g. 512m";
    private static final String DURATION_HELP =
            "expected a whole number with a unit us, ms or s, e.g. 30ms (0 needs no unit)";

    private Sizes() {}

    /** A size in bytes: {@code 4096}, {@code 4k}, {@code 512m}, {@code 1g}. */
    public static long parseSize(String text) {
        return parseScaled(text, "size", SIZE_HELP);
    }

    /** A rate in bytes per second: the same grammar as a size, optionally ending in {@code /s}. */
    public static long parseRate(String text) {
        String t = text == null ? null : text.strip();
        if (t != null && t.toLowerCase(Locale.ROOT).endsWith("/s")) t = t.substring(0, t.length() - 2);
        return parseScaled(t, "rate", SIZE_HELP + " (bytes per second)");
    }

    /** A duration in microseconds: {@code 250us}, {@code 30ms}, {@code 5s}, or {@code 0}. */
    public static long parseDurationMicros(String text) {
        if (text == null || text.isBlank()) throw bad("duration", text, DURATION_HELP);
        String t = text.strip().toLowerCase(Locale.ROOT);
        long scale;
        String digits;
        if (t.endsWith("us")) {
            scale = 1;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ms")) {
            scale = 1_000;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            scale = 1_000_000;
            digits = t.substring(0, t.length() - 1);
        } else if (t.equals("0")) {
            return 0;
        } else {
            throw bad("duration", text, DURATION_HELP);
        }
        return multiply(parseDigits(digits, "duration", text, DURATION_HELP), scale, "duration", text, DURATION_HELP);
    }

    /** The shortest exact spelling of a size: {@code 512m}, {@code 4k}, or plain bytes. */
    public static String formatSize(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        String[] suffixes = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < suffixes.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) return (bytes / unit) + suffixes[i];
        }
        return Long.toString(bytes);
    }

    /** A size for people: {@code 512 MiB}, {@code 1.5 GiB}, {@code 100 bytes}. */
    public static String human(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit) {
                if (bytes % unit == 0) return (bytes / unit) + " " + units[i];
                return String.format(Locale.ROOT, "%.1f %s", (double) bytes / unit, units[i]);
            }
        }
        return bytes + " bytes";
    }

    private static long parseScaled(String text, String what, String help) {
        if (text == null || text.isBlank()) throw bad(what, text, help);
        String t = text.strip().toLowerCase(Locale.ROOT);
        int shift = 0;
        char last = t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> shift = 10;
            case 'm' -> shift = 20;
            case 'g' -> shift = 30;
            case 't' -> shift = 40;
            default -> { }
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        return multiply(parseDigits(digits, what, text, help), 1L << shift, what, text, help);
    }

    private static long parseDigits(String digits, String what, String original, String help) {
        if (digits.isEmpty() || digits.length() > 19) {
            throw digits.length() > 19 ? tooLarge(what, original) : bad(what, original, help);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') throw bad(what, original, help);
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw tooLarge(what, original);
        }
    }

    private static long multiply(long value, long scale, String what, String original, String help) {
        try {
            return Math.multiplyExact(value, scale);
        } catch (ArithmeticException e) {
            throw tooLarge(what, original);
        }
    }

    private static IllegalArgumentException bad(String what, String text, String help) {
        return new IllegalArgumentException("bad " + what + " " + Text.quote(text) + ": " + help);
    }

    private static IllegalArgumentException tooLarge(String what, String text) {
        return new IllegalArgumentException("bad " + what + " " + Text.quote(text) + ": too large (over 2^63-1)");
    }
}
