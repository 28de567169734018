package io.livemig.migrator.protocol;

/**
 * Source to destination after the last pages and every {@link VcpuState}: the digest of source
 * memory at pause (the destination must match it before READY) and when the source paused
 * (System.nanoTime, CLOCK_MONOTONIC, comparable between JVMs on one host). With
 * {@code digestAfterResume} the digest field is unused: the source sends it in a
 * {@link DigestCheck} after RESUMED, and the two sides compare then.
 */
public record StopAndCopyDone(long memoryDigest, long sourcePauseNanos, boolean digestAfterResume) implements Message {

    public StopAndCopyDone(long memoryDigest, long sourcePauseNanos) {
        this(memoryDigest, sourcePauseNanos, false);
    }

    @Override
    public MessageType type() {
        return MessageType.STOP_AND_COPY_DONE;
    }
}
