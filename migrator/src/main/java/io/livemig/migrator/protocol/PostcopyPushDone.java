package io.livemig.migrator.protocol;

/**
 * Source to destination on the main connection: every page the destination lacked has now been
 * sent once ({@code pagesSent} in this link's life, pushed or answered), and {@code memoryDigest}
 * is the digest of source memory at the pause, which the destination's memory as loaded must match.
 */
public record PostcopyPushDone(long pagesSent, long memoryDigest) implements Message {

    public PostcopyPushDone {
        ProtocolLimits.checkRange("pagesSent", pagesSent, 0, Long.MAX_VALUE);
    }

    @Override
    public MessageType type() { return MessageType.POSTCOPY_PUSH_DONE; }
}
