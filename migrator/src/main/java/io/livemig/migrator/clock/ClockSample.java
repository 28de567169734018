package io.livemig.migrator.clock;

/**
 * One NTP-style exchange, seen from the source: it read its clocks when it sent the probe
 * ({@code sentNanos}, {@code sentWallMicros}) and when the reply came back ({@code receivedNanos},
 * {@code receivedWallMicros}); the destination read its own when the probe arrived
 * ({@code peerNanos}, {@code peerWallMicros}).
 *
 * <p>Whatever the one-way delays, the destination's reading happened between the source's two, so
 * the offset lies within half the round trip of the midpoint estimate.
 */
public record ClockSample(long sentNanos, long sentWallMicros, long peerNanos, long peerWallMicros,
                          long receivedNanos, long receivedWallMicros) {

    public ClockSample {
        if (receivedNanos - sentNanos < 0) {
            throw new IllegalArgumentException("reply received (" + receivedNanos + ") before the probe was sent (" + sentNanos + ")");
        }
    }

    public long roundTripNanos() {
        return receivedNanos - sentNanos;
    }

    /** The wall clock's round trip: wider than the monotonic one when the source was held up between its two clocks' reads. */
    public long wallRoundTripMicros() {
        return receivedWallMicros - sentWallMicros;
    }

    /** Destination monotonic minus source monotonic, at the midpoint of the exchange. */
    public long monotonicOffsetNanos() {
        return peerNanos - midpoint(sentNanos, receivedNanos);
    }

    /** Destination wall clock minus source wall clock, at the midpoint of the exchange. */
    public long wallOffsetMicros() {
        return peerWallMicros - midpoint(sentWallMicros, receivedWallMicros);
    }

    /** The midpoint without overflow, for clocks anywhere in the long range. */
    private static long midpoint(long a, long b) {
        return a + (b - a) / 2;
    }
}
