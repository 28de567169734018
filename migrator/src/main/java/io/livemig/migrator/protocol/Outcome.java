package io.livemig.migrator.protocol;

/**
 * Destination to source, the answer to {@link OutcomeQuery}: {@code committed} when this
 * destination read COMMIT for that migration (it runs the guest), false when it never did (it
 * discarded what it had, and never will run it): then the source may resume its paused copy.
 */
public record Outcome(boolean committed) implements Message {

    @Override
    public MessageType type() { return MessageType.OUTCOME; }
}
