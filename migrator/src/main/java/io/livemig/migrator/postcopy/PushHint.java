package io.livemig.migrator.postcopy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the push should go on: the page after the last one a vCPU asked for (a guest usually
 * touches the neighbours of a faulting page next, as QEMU's background search assumes). The
 * request server sets it; the pusher takes it.
 */
public final class PushHint {
    private final AtomicLong next = new AtomicLong(-1);

    /** A vCPU asked for {@code page}: push from the page after it. */
    public void requested(long page) {
        next.set(page + 1);
    }

    /** The page to go on from, or -1 when nobody asked since the last call. */
    public long take() {
        return next.getAndSet(-1);
    }
}
