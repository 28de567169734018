package io.livemig.migrator.cli;

import io.livemig.migrator.transport.HostPort;
import io.livemig.workloads.Sizes;
import picocli.CommandLine.ITypeConverter;

import java.time.Duration;

/** Picocli converters for the contract's value grammars: SIZE, RATE, DURATION, HOST:PORT. */
final class Converters {
    private Converters() {}

    /** SIZE: bytes with k/m/g suffixes (KiB/MiB/GiB). */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) { return convertOrExplain(() -> Sizes.parseSize(value)); }
    }

    /** {@code --compress}: none, lz4, zstd or auto, in lower case as shown in the help. */
    static final class Compression implements ITypeConverter<io.livemig.migrator.migration.CompressionMode> {
        @Override
        public io.livemig.migrator.migration.CompressionMode convert(String value) {
            for (io.livemig.migrator.migration.CompressionMode mode : io.livemig.migrator.migration.CompressionMode.values()) {
                if (mode.word().equals(value.strip().toLowerCase(java.util.Locale.ROOT))) return mode;
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of none, lz4, zstd, auto");
        }

        /** The words for the help. */
        static final class Words implements Iterable<String> {
            @Override
            public java.util.Iterator<String> iterator() {
                return java.util.Arrays.stream(io.livemig.migrator.migration.CompressionMode.values())
                        .map(io.livemig.migrator.migration.CompressionMode::word).iterator();
            }
        }
    }

    /** RATE: bytes per second, same suffixes; {@code 100m} = 100 MiB/s; 0 = unlimited. */
    static final class Rate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if ("unlimited".equalsIgnoreCase(value.strip())) return 0L;
            return convertOrExplain(() -> Sizes.parseRate(value));
        }
    }

    /** DURATION: {@code 250us}, {@code 30ms}, {@code 5s}. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return convertOrExplain(() -> Duration.ofNanos(Math.multiplyExact(Sizes.parseDurationMicros(value), 1000L)));
        }
    }

    /**
     * A signed DURATION for offsets: an optional sign, then a whole number with us, ms, s, min or h,
     * e.g. {@code -1h}, {@code +250ms}, {@code 90s}.
     */
    static final class SignedTime implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return convertOrExplain(() -> parseSigned(value));
        }

        private static final String HELP = "expected an optional sign and a whole number with us, ms, s, min or h, e.g. -1h";

        static Duration parseSigned(String value) {
            String t = value.strip();
            boolean negative = t.startsWith("-");
            if (negative || t.startsWith("+")) t = t.substring(1);
            Duration d;
            if (t.endsWith("h") || t.endsWith("min")) {
                String digits = t.substring(0, t.length() - (t.endsWith("h") ? 1 : 3));
                if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("bad duration '" + value + "': " + HELP);
                }
                long minutes = Long.parseLong(digits) * (t.endsWith("h") ? 60 : 1);
                d = Duration.ofMinutes(minutes);
            } else {
                try {
                    d = Duration.ofNanos(Math.multiplyExact(Sizes.parseDurationMicros(t), 1000L));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad duration '" + value + "': " + HELP);
                }
            }
            return negative ? d.negated() : d;
        }
    }

    static final class Address implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) { return convertOrExplain(() -> HostPort.parse(value)); }
    }

    /** {@code --cpu-model}: linear or working-set. */
    static final class Model implements ITypeConverter<io.livemig.migrator.policy.CpuModel> {
        @Override
        public io.livemig.migrator.policy.CpuModel convert(String value) {
            return convertOrExplain(() -> io.livemig.migrator.policy.CpuModel.parse(value));
        }
    }

    /** Picocli shows a TypeConversionException's message as is, instead of wrapping it in its own. */
    private static <T> T convertOrExplain(java.util.function.Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new picocli.CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
