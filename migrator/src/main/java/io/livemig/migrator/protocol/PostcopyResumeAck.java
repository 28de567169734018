package io.livemig.migrator.protocol;

/**
 * Destination to source, the answer to {@link PostcopyResume} after the {@link MissingMap}s: the
 * migration goes on; {@code missingPages} pages are still lacking (the maps list them). The
 * source sends each of them once more and reattaches its request connection.
 */
public record PostcopyResumeAck(long missingPages) implements Message {

    public PostcopyResumeAck {
        ProtocolLimits.checkRange("missingPages", missingPages, 0, Integer.MAX_VALUE);
    }

    @Override
    public MessageType type() { return MessageType.POSTCOPY_RESUME_ACK; }
}
