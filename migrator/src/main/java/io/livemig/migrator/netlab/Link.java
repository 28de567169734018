package io.livemig.migrator.netlab;

import java.util.SplittableRandom;

/**
 * The shaped link the proxy's connections share, as a model of when each chunk arrives: a chunk
 * waits until the link is free in its direction (and not stalled), occupies it for
 * {@code size / bandwidth}, then travels for half the round-trip latency (plus jitter). Both
 * directions are independent (full duplex) and every connection shares them, as on a real link.
 * Also counts the client-to-server bytes, which trigger the one-shot stall and reset.
 *
 * <p>Not thread-safe: the proxy runs every connection on one event loop.
 */
final class Link {
    /** Client to server (source to destination), and back. */
    enum Direction { UPSTREAM, DOWNSTREAM }

    /** What the link tells the operator: faults as they fire. */
    interface Events {
        void stalled(long atBytes, long forNanos);

        void reset(long atBytes);
    }

    private final LinkSettings settings;
    private final Events events;
    private final SplittableRandom random;
    private final long[] freeAtNanos = new long[2];
    private long startNanos = Long.MIN_VALUE;
    private long frozenUntilNanos = Long.MIN_VALUE;
    private long upstreamBytes;
    private long downstreamBytes;
    private boolean stallFired;
    private boolean resetFired;

    Link(LinkSettings settings, Events events, long seed) {
        this.settings = settings;
        this.events = events;
        this.random = new SplittableRandom(seed);
    }

    /** Schedules count from the first connection. */
    void connectionOpened(long nowNanos) {
        if (startNanos == Long.MIN_VALUE) {
            startNanos = nowNanos;
            freeAtNanos[0] = nowNanos;
            freeAtNanos[1] = nowNanos;
        }
    }

    /**
     * How many of {@code size} bytes may pass before the reset point, or -1 when the reset is not in
     * this chunk. Once it returned a count the reset has fired: the caller resets the connections.
     */
    long bytesBeforeReset(Direction direction, int size) {
        if (direction != Direction.UPSTREAM || resetFired || settings.resetAtBytes() < 0) return -1;
        if (upstreamBytes + size <= settings.resetAtBytes()) return -1;
        resetFired = true;
        events.reset(settings.resetAtBytes());
        return Math.max(0, settings.resetAtBytes() - upstreamBytes);
    }

    /** When a chunk of {@code size} bytes read now arrives at the other end. */
    long arrivalNanos(Direction direction, int size, long nowNanos) {
        if (direction == Direction.UPSTREAM) {
            upstreamBytes += size;
            if (!stallFired && settings.stallAtBytes() >= 0 && upstreamBytes > settings.stallAtBytes()) {
                stallFired = true;
                frozenUntilNanos = nowNanos + settings.stallNanos();
                events.stalled(settings.stallAtBytes(), settings.stallNanos());
            }
        } else {
            downstreamBytes += size;
        }
        int d = direction.ordinal();
        long start = Math.max(nowNanos, Math.max(freeAtNanos[d], frozenUntilNanos));
        long rate = settings.bandwidth().valueAt(start - startNanos);
        freeAtNanos[d] = start + (rate > 0 ? (long) (size * 1e9 / rate) : 0);
        return freeAtNanos[d] + oneWayDelayNanos(start);
    }

    /** Bytes worth holding in one direction of one connection to keep the link busy: twice the bandwidth-delay product, at least 1 MiB. */
    long queueCapBytes(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        long rate = settings.bandwidth().valueAt(elapsed);
        long oneWay = settings.latency().valueAt(elapsed) / 2 + settings.jitterNanos();
        if (rate <= 0) return 8L << 20;
        return Math.max(1L << 20, (long) (2.0 * rate * oneWay / 1e9) + (256L << 10));
    }

    long upstreamBytes() {
        return upstreamBytes;
    }

    long downstreamBytes() {
        return downstreamBytes;
    }

    private long oneWayDelayNanos(long atNanos) {
        long oneWay = settings.latency().valueAt(atNanos - startNanos) / 2;
        long jitter = settings.jitterNanos() / 2;
        if (jitter > 0) oneWay += random.nextLong(-jitter / 2, jitter / 2 + 1);
        return Math.max(0, oneWay);
    }
}
