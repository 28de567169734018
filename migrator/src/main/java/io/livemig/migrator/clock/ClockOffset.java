package io.livemig.migrator.clock;

/**
 * The estimated offsets between the destination's clocks and the source's (destination minus
 * source), from the sample with the smallest round trip; the true offsets lie within
 * {@link #uncertaintyNanos()} of them. Converts destination readings into the source's time base.
 *
 * @param samples how many exchanges the estimate chose from
 */
public record ClockOffset(long monotonicOffsetNanos, long wallOffsetMicros, long roundTripNanos, int samples) {

    /** Two ends that share their clocks (both in one JVM): no offset, no uncertainty. */
    public static final ClockOffset SAME_HOST = new ClockOffset(0, 0, 0, 0);

    /** Half the round trip of the chosen sample: the most the offsets can be wrong by. */
    public long uncertaintyNanos() {
        return roundTripNanos / 2;
    }

    public double uncertaintyMs() {
        return uncertaintyNanos() / 1e6;
    }

    /** A destination monotonic reading as the source's monotonic clock would have shown it. */
    public long toSourceNanos(long destinationNanos) {
        return destinationNanos - monotonicOffsetNanos;
    }

    /** A destination wall-clock reading (e.g. a heartbeat written there) in the source's wall clock. */
    public long toSourceWallMicros(long destinationWallMicros) {
        return destinationWallMicros - wallOffsetMicros;
    }
}
