package io.livemig.migrator.protocol;

/** Source to destination: pre-copy round {@code round} is complete after {@code pagesSent} pages. */
public record RoundEnd(int round, long pagesSent) implements Message {

    public RoundEnd {
        ProtocolLimits.checkRange("round", round, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("pagesSent", pagesSent, 0, Long.MAX_VALUE);
    }

    @Override
    public MessageType type() {
        return MessageType.ROUND_END;
    }
}
