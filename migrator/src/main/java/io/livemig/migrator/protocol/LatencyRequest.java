package io.livemig.migrator.protocol;

/**
 * Source to destination, the last message of a completed migration (after RESUMED, and after the
 * digest check when it was deferred): report the guest's operation latencies over its first
 * {@code windowNanos} on the destination ({@link LatencyReport}), or, with 0, nothing.
 */
public record LatencyRequest(long windowNanos) implements Message {
    /** The longest window a destination serves; longer requests are refused as malformed. */
    public static final long MAX_WINDOW_NANOS = 60_000_000_000L;

    public LatencyRequest {
        ProtocolLimits.checkRange("windowNanos", windowNanos, 0, MAX_WINDOW_NANOS);
    }

    @Override
    public MessageType type() {
        return MessageType.LATENCY_REQUEST;
    }
}
