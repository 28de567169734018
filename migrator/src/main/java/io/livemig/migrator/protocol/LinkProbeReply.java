package io.livemig.migrator.protocol;

/**
 * Destination to source, at the end of a probe burst: the filler bytes of burst {@code burst} it
 * read after that burst's first message, and the nanoseconds between reading the first message and
 * the last (its own clock): their ratio is the link's rate, the latency left out.
 */
public record LinkProbeReply(int burst, long bytesAfterFirst, long firstToLastNanos) implements Message {
    public LinkProbeReply {
        ProtocolLimits.checkRange("burst", burst, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("bytes", bytesAfterFirst, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("nanos", firstToLastNanos, 0, Long.MAX_VALUE);
    }

    @Override
    public MessageType type() {
        return MessageType.LINK_PROBE_REPLY;
    }
}
