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

    static final class Address implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) { return convertOrExplain(() -> HostPort.parse(value)); }
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
