package io.livemig.migrator.protocol;

/** Destination to source: the offered guest cannot be hosted; the source keeps running it. */
public record Refuse(String reason) implements Message {

    public Refuse {
        Utf8.encode("reason", reason);
    }

    @Override
    public MessageType type() {
        return MessageType.REFUSE;
    }
}
