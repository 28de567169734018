package io.livemig.migrator.protocol;

/**
 * Destination to source: the guest runs again, since {@code resumedAtNanos} (System.nanoTime, the
 * host's CLOCK_MONOTONIC); {@code firstOpMicros} is the wall-clock heartbeat of its first operation
 * here (0 if none came in time), from which the source computes the application downtime.
 */
public record Resumed(long resumedAtNanos, long firstOpMicros) implements Message {

    @Override
    public MessageType type() {
        return MessageType.RESUMED;
    }
}
