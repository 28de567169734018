package io.livemig.migrator.protocol;

/** Source to destination: the source has stopped for good; the destination now owns the guest. */
public record Commit() implements Message {

    @Override
    public MessageType type() {
        return MessageType.COMMIT;
    }
}
