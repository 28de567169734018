package io.livemig.migrator.protocol;

/**
 * Source to destination after the last pages and every {@link VcpuState}: the digest of source
 * memory at pause (the destination must match it) and when the source paused (System.nanoTime,
 * CLOCK_MONOTONIC, comparable between JVMs on one host).
 */
public record StopAndCopyDone(long memoryDigest, long sourcePauseNanos) implements Message {

    @Override
    public MessageType type() {
        return MessageType.STOP_AND_COPY_DONE;
    }
}
