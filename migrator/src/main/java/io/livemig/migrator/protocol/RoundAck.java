package io.livemig.migrator.protocol;

/**
 * Destination to source: every page of pre-copy round {@code round} is loaded. The source waits for
 * it before it measures the round, so a round's duration and rate are of pages delivered, not pages
 * queued, and no backlog of earlier rounds is left to drain inside the downtime.
 */
public record RoundAck(int round, long pagesLoaded) implements Message {

    public RoundAck {
        ProtocolLimits.checkRange("round", round, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("pagesLoaded", pagesLoaded, 0, Long.MAX_VALUE);
    }

    @Override
    public MessageType type() {
        return MessageType.ROUND_ACK;
    }
}
