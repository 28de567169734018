package io.livemig.migrator.protocol;

/**
 * Source to destination on the main connection, right after {@link Accept}: this migration will
 * (or, with {@code precopyFirst}, may after pre-copy rounds) switch to post-copy. The destination
 * then expects a request connection ({@link PostcopyAttach}) and keeps what it needs to verify a
 * memory that is never whole while the guest is paused.
 */
public record PostcopyPrepare(boolean precopyFirst) implements Message {

    @Override
    public MessageType type() { return MessageType.POSTCOPY_PREPARE; }
}
