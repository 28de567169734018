package io.livemig.migrator.protocol;

/**
 * Source to destination: one sample of the clock-offset exchange (NTP style). {@code sourceNanos}
 * is the source's monotonic clock when it sent the probe; the destination echoes it in
 * {@link ClockReply} so the source can match the answer to its question.
 */
public record ClockProbe(long sourceNanos) implements Message {

    @Override
    public MessageType type() {
        return MessageType.CLOCK_PROBE;
    }
}
