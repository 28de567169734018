package io.livemig.migrator.clock;

/**
 * Chooses the clock offset from a series of exchanges as NTP's clock filter does: the sample with
 * the smallest round trip is the one least disturbed by queueing and scheduling delays, and its
 * half round trip bounds the error. Each clock gets its own best sample: the source reads its wall
 * clock just outside its monotonic reads, and a thread held up between the two (seen here: 0.9 ms
 * once in a CI run) widens that sample's wall interval without widening its monotonic one. Pure
 * arithmetic; the exchange itself is {@link ClockSync}.
 */
public final class ClockOffsetEstimator {
    /** Samples per estimate: enough that one of them usually meets an idle path. */
    public static final int DEFAULT_SAMPLES = 8;

    private ClockSample best;
    private ClockSample bestWall;
    private int count;

    public void add(ClockSample sample) {
        count++;
        if (best == null || sample.roundTripNanos() < best.roundTripNanos()) best = sample;
        if (bestWall == null || sample.wallRoundTripMicros() < bestWall.wallRoundTripMicros()) bestWall = sample;
    }

    public int count() {
        return count;
    }

    /** @throws IllegalStateException before the first sample */
    public ClockOffset estimate() {
        if (best == null) throw new IllegalStateException("no clock sample yet");
        return new ClockOffset(best.monotonicOffsetNanos(), bestWall.wallOffsetMicros(), best.roundTripNanos(), count);
    }
}
