package io.livemig.migrator.host;

import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.policy.ConvergencePolicy;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The knobs of one outgoing migration, made from {@code livemig source}'s options exactly as that
 * command makes them (so every source option means the same on a host).
 *
 * @param policy a fresh policy per migration (policies keep state)
 */
public record MigrationSettings(MigrationOptions options, Supplier<ConvergencePolicy> policy) {

    /** Turns source options ({@code {"bandwidth": "64m", "policy": "cpu-scheduling"}}) into settings. */
    public interface Parser {
        /**
         * @param sourceOptions long option names without the dashes; a value of {@code true} for a flag
         * @throws HostException BAD_REQUEST with one line naming the bad option
         */
        MigrationSettings parse(Map<String, Object> sourceOptions);
    }
}
