package io.livemig.migrator.migration;

import io.livemig.migrator.policy.RoundFigures;

/**
 * The link rate the stop-and-copy can expect, from the rounds so far: the last round's rate if it
 * was long enough to measure, else the average over all rounds; the configured limit (or a modest
 * LAN's rate on an unlimited link) while too little has been sent to measure anything (a
 * mostly-zero guest sends almost nothing in round 0).
 */
public final class LinkRateEstimate {
    /** Rounds shorter than this give a noisy rate; the average over all rounds is used instead. */
    public static final long MIN_RATE_SAMPLE_NANOS = 20_000_000L;
    /** Below this much data sent, a measured rate says more about latency than about the link. */
    public static final long MIN_RATE_SAMPLE_BYTES = 4L << 20;
    /** Assumed link rate before anything could be measured on an unlimited link: a modest LAN. */
    public static final double UNMEASURED_LINK_BYTES_PER_S = 100.0 * (1 << 20);

    private final long configuredBytesPerS;
    private long sendNanosTotal;

    /** @param configuredBytesPerS the {@code --bandwidth} limit; 0 = unlimited */
    public LinkRateEstimate(long configuredBytesPerS) {
        this.configuredBytesPerS = configuredBytesPerS;
    }

    /** Takes in one more round (every round, in order) and returns the estimate after it, bytes per second. */
    public double afterRound(RoundFigures round) {
        sendNanosTotal += round.durationNanos();
        double average = sendNanosTotal == 0 ? 0 : round.totalBytesSent() * 1e9 / sendNanosTotal;
        double measured = round.durationNanos() >= MIN_RATE_SAMPLE_NANOS ? round.transferRateBytesPerSec() : average;
        if (round.totalBytesSent() >= MIN_RATE_SAMPLE_BYTES && measured > 0) return measured;
        return configuredBytesPerS > 0 ? configuredBytesPerS : UNMEASURED_LINK_BYTES_PER_S;
    }
}
