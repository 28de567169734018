package io.livemig.migrator.protocol;

/**
 * Destination to source: the answer to a {@link ClockProbe}, sent at once. {@code destinationNanos}
 * is the destination's monotonic clock and {@code destinationWallMicros} its wall clock (the one its
 * guests write heartbeats with), both read when the probe arrived.
 */
public record ClockReply(long sourceNanos, long destinationNanos, long destinationWallMicros) implements Message {

    @Override
    public MessageType type() {
        return MessageType.CLOCK_REPLY;
    }
}
