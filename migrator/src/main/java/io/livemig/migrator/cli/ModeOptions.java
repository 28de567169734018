package io.livemig.migrator.cli;

import io.livemig.migrator.migration.PostcopyOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** {@code --mode}, {@code --postcopy-after} and {@code --postcopy-recover-timeout}: how the guest moves. */
final class ModeOptions {
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "precopy", converter = ModeChoice.Converter.class,
            completionCandidates = ModeChoice.Choices.class,
            description = "How the guest moves: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). precopy: rounds, then stop-and-copy; postcopy: resume on the destination at once, pages follow on demand and by push; hybrid: pre-copy rounds, then post-copy for the rest.")
    ModeChoice mode;

    @Option(names = "--postcopy-after", paramLabel = "N|auto", defaultValue = "auto", converter = SwitchAfterConverter.class,
            description = "hybrid: switch to post-copy after N pre-copy rounds, or auto: as soon as the rounds stop shrinking the dirty set (or the guest outruns a round) (default: ${DEFAULT-VALUE}).")
    int postcopyAfter;

    @Option(names = "--postcopy-recover-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.Time.class,
            description = "After a broken link during post-copy, how long to keep reconnecting before the guest is declared lost (default: ${DEFAULT-VALUE}).")
    Duration recoverTimeout;

    PostcopyOptions create() {
        if (recoverTimeout.isZero() || recoverTimeout.isNegative()) throw new UsageException("--postcopy-recover-timeout must be positive");
        return new PostcopyOptions(mode.mode(), postcopyAfter, recoverTimeout);
    }

    static final class SwitchAfterConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if ("auto".equalsIgnoreCase(value.strip())) return PostcopyOptions.AUTO;
            try {
                int rounds = Integer.parseInt(value.strip());
                if (rounds >= 1) return rounds;
            } catch (NumberFormatException ignored) {
                // explained below
            }
            throw new TypeConversionException("must be a number of rounds >= 1 or auto, got '" + value + "'");
        }
    }
}
