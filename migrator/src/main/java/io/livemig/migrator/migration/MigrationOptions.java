package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationMode;
import io.livemig.migrator.clock.HostClock;

import java.time.Duration;

/**
 * The source's knobs, with the defaults users get (Xen's limits for the iteration).
 *
 * @param bandwidthBytesPerS  link rate limit; 0 = unlimited
 * @param downtimeLimit       stop iterating once the expected downtime is under this
 * @param maxRounds           stop iterating after this many rounds (round 0 included)
 * @param maxVolumeFactor     stop iterating once this many times guest memory has been sent
 * @param connectTimeout      how long to wait for the destination to accept the connection
 * @param replyTimeout        how long to wait for any one reply (READY waits for the destination's digest)
 * @param verifyAfterResume   compare the memory digests after the guest resumed on the destination
 *                            instead of before: the full read of source memory leaves the downtime,
 *                            and a mismatch is reported (and the destination stops the guest) instead
 *                            of prevented
 * @param clock               this host's clocks (the source's time base for every figure)
 * @param latencyWindow       how long the destination follows the guest's operation latencies after
 *                            the resume and reports them back (the "after" phase); 0 = not at all
 * @param postcopy            the mode (precopy by default) and the post-copy knobs
 * @param transfer            how pages travel: compression, deltas, channels
 * @param timeout             bounds the whole migration up to COMMIT ({@code --timeout}); past it the
 *                            migration is abandoned, the guest running on here; null: no bound
 */
public record MigrationOptions(long bandwidthBytesPerS, Duration downtimeLimit, int maxRounds, double maxVolumeFactor,
                               Duration connectTimeout, Duration replyTimeout, boolean verifyAfterResume,
                               HostClock clock, Duration latencyWindow, PostcopyOptions postcopy, TransferOptions transfer,
                               Duration timeout) {
    public static final Duration DEFAULT_DOWNTIME_LIMIT = Duration.ofMillis(300);
    public static final int DEFAULT_MAX_ROUNDS = 30;
    public static final double DEFAULT_MAX_VOLUME_FACTOR = 3.0;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(60);

    public MigrationOptions {
        if (bandwidthBytesPerS < 0) throw new IllegalArgumentException("bandwidth must be >= 0 (0 = unlimited)");
        if (downtimeLimit.isNegative() || downtimeLimit.isZero()) throw new IllegalArgumentException("downtime limit must be > 0");
        if (maxRounds < 1) throw new IllegalArgumentException("max rounds must be >= 1, got " + maxRounds);
        if (!(maxVolumeFactor >= 1)) throw new IllegalArgumentException("max volume factor must be >= 1");
        if (latencyWindow.isNegative() || latencyWindow.toNanos() > io.livemig.migrator.protocol.LatencyRequest.MAX_WINDOW_NANOS) {
            throw new IllegalArgumentException("latency window must be 0..60 s, got " + latencyWindow);
        }
        if (postcopy == null) throw new IllegalArgumentException("postcopy options are required (PostcopyOptions.PRECOPY)");
        if (transfer == null) transfer = TransferOptions.DEFAULTS;
        if (transfer.channels() > 1 && postcopy.mode().mayUsePostcopy()) {
            throw new IllegalArgumentException("data channels are for pre-copy: " + postcopy.mode().word() + " sends on one connection");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) throw new IllegalArgumentException("timeout must be > 0");
    }

    public static MigrationOptions defaults() {
        return new MigrationOptions(0, DEFAULT_DOWNTIME_LIMIT, DEFAULT_MAX_ROUNDS, DEFAULT_MAX_VOLUME_FACTOR,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REPLY_TIMEOUT, false, HostClock.SYSTEM, Duration.ZERO, PostcopyOptions.PRECOPY,
                TransferOptions.DEFAULTS, null);
    }

    public MigrationOptions withBandwidth(long bytesPerS) {
        return new MigrationOptions(bytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout, verifyAfterResume, clock,
                latencyWindow, postcopy, transfer, timeout);
    }

    public MigrationOptions withDowntimeLimit(Duration limit) {
        return new MigrationOptions(bandwidthBytesPerS, limit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout, verifyAfterResume,
                clock, latencyWindow, postcopy, transfer, timeout);
    }

    public MigrationOptions withMaxRounds(int rounds) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, rounds, maxVolumeFactor, connectTimeout, replyTimeout, verifyAfterResume,
                clock, latencyWindow, postcopy, transfer, timeout);
    }

    public MigrationOptions withMaxVolumeFactor(double factor) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, factor, connectTimeout, replyTimeout, verifyAfterResume, clock,
                latencyWindow, postcopy, transfer, timeout);
    }

    public MigrationOptions withVerifyAfterResume(boolean after) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout, after, clock,
                latencyWindow, postcopy, transfer, timeout);
    }

    public MigrationOptions withClock(HostClock hostClock) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout,
                verifyAfterResume, hostClock, latencyWindow, postcopy, transfer, timeout);
    }

    public MigrationOptions withLatencyWindow(Duration window) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout,
                verifyAfterResume, clock, window, postcopy, transfer, timeout);
    }

    public MigrationOptions withPostcopy(PostcopyOptions options) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout,
                verifyAfterResume, clock, latencyWindow, options, transfer, timeout);
    }

    public MigrationOptions withTransfer(TransferOptions t) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout,
                verifyAfterResume, clock, latencyWindow, postcopy, t, timeout);
    }

    /** Bounds the whole migration up to COMMIT; null: no bound. */
    public MigrationOptions withTimeout(Duration bound) {
        return new MigrationOptions(bandwidthBytesPerS, downtimeLimit, maxRounds, maxVolumeFactor, connectTimeout, replyTimeout,
                verifyAfterResume, clock, latencyWindow, postcopy, transfer, bound);
    }

    public MigrationMode mode() {
        return postcopy.mode();
    }
}
