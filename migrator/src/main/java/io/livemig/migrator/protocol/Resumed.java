package io.livemig.migrator.protocol;

/** Destination to source: the guest runs again, since {@code resumedAtNanos} (System.nanoTime). */
public record Resumed(long resumedAtNanos) implements Message {

    @Override
    public MessageType type() {
        return MessageType.RESUMED;
    }
}
