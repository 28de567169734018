package io.livemig.migrator.protocol;

/** Destination to source: memory and vCPUs loaded, digest verified; waiting for {@link Commit}. */
public record Ready() implements Message {

    @Override
    public MessageType type() {
        return MessageType.READY;
    }
}
