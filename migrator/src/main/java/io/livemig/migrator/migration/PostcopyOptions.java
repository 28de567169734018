package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationMode;
import java.time.Duration;

/**
 * The mode and its post-copy knobs.
 *
 * @param mode            precopy (default), postcopy or hybrid
 * @param switchAfter     hybrid only: switch after this many pre-copy rounds (round 0 included);
 *                        0 means {@code auto} (see {@link PostcopySwitch})
 * @param recoverTimeout  after a broken link during post-copy, how long the source keeps trying to
 *                        reconnect (and the destination waits for it) before the guest is lost
 */
public record PostcopyOptions(MigrationMode mode, int switchAfter, Duration recoverTimeout) {
    public static final int AUTO = 0;
    public static final Duration DEFAULT_RECOVER_TIMEOUT = Duration.ofSeconds(60);
    public static final PostcopyOptions PRECOPY = new PostcopyOptions(MigrationMode.PRECOPY, AUTO, DEFAULT_RECOVER_TIMEOUT);

    public PostcopyOptions {
        if (mode == null) throw new IllegalArgumentException("mode is required");
        if (switchAfter < 0) throw new IllegalArgumentException("--postcopy-after must be a number of rounds >= 1 or auto, got " + switchAfter);
        if (recoverTimeout == null || recoverTimeout.isNegative() || recoverTimeout.isZero()) {
            throw new IllegalArgumentException("--postcopy-recover-timeout must be positive");
        }
    }

    public static PostcopyOptions of(MigrationMode mode) {
        return new PostcopyOptions(mode, AUTO, DEFAULT_RECOVER_TIMEOUT);
    }

    public PostcopyOptions withSwitchAfter(int rounds) {
        return new PostcopyOptions(mode, rounds, recoverTimeout);
    }

    public PostcopyOptions withRecoverTimeout(Duration timeout) {
        return new PostcopyOptions(mode, switchAfter, timeout);
    }
}
