package io.livemig.migrator.protocol;

/** Destination to source: the offered guest is accepted; pages may follow. */
public record Accept() implements Message {

    @Override
    public MessageType type() {
        return MessageType.ACCEPT;
    }
}
