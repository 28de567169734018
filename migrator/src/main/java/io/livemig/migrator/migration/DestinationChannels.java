package io.livemig.migrator.migration;

import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.transport.Connection;

import java.time.Duration;
import java.util.Arrays;

/**
 * The destination's data channels of one migration: which have attached, how far each has
 * delivered (its last {@code RoundEnd}), and the first failure of any. Each channel is loaded by
 * its own {@link DataChannelLoader} thread, into the guest with its own digest recorder; the
 * session (on the control connection) waits here until every channel has delivered a round
 * before it acknowledges it, and closes the channels before the guest may run.
 */
final class DestinationChannels {
    private final VirtualMachine vm;
    private final PageDigests digests;
    private final Object lock = new Object();
    private int expected;
    private Connection[] connections = new Connection[0];
    private int[] deliveredRound = new int[0];
    private long[] pagesLoaded = new long[0];
    private long[] bytesLoaded = new long[0];
    private volatile long lastProgressNanos = System.nanoTime();
    private Exception failure;
    private boolean closed;
    private int running;

    private final Runnable firstPages;
    private final java.util.concurrent.atomic.AtomicBoolean anyPages = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param firstPages run once, after the first batch loaded on a data channel or the main connection (the session's FIRST_PAGES_LOADED phase) */
    DestinationChannels(VirtualMachine vm, PageDigests digests, Runnable firstPages) {
        this.vm = vm;
        this.digests = digests;
        this.firstPages = firstPages;
    }

    /** A batch was loaded (on a data channel, or on the main connection: only the first counts there). */
    void pagesLoaded() {
        lastProgressNanos = System.nanoTime();
        if (!anyPages.get() && anyPages.compareAndSet(false, true)) firstPages.run();
    }

    /** Whether any channel loaded a batch within {@code window}: the migration is alive though its control connection is quiet. */
    boolean progressedWithin(Duration window) {
        return expected > 0 && System.nanoTime() - lastProgressNanos < window.toNanos();
    }

    /** The source announced {@code channels} data channels. */
    void expect(int channels) {
        synchronized (lock) {
            if (expected != 0) throw new io.livemig.migrator.protocol.ProtocolException("a second CHANNEL_PLAN");
            expected = channels;
            connections = new Connection[channels];
            deliveredRound = new int[channels];
            Arrays.fill(deliveredRound, -1);
            pagesLoaded = new long[channels];
            bytesLoaded = new long[channels];
            lock.notifyAll();
        }
    }

    boolean active() {
        synchronized (lock) {
            return expected > 0;
        }
    }

    /**
     * Takes data connection {@code index}; null if it cannot (no such channel, taken already, or
     * the migration is over), else the loader to run on the caller's thread.
     */
    DataChannelLoader attach(int index, Connection connection, Duration messageTimeout) throws InterruptedException {
        synchronized (lock) {
            // The plan comes on the control connection and may be read a moment after a channel attaches.
            long deadline = System.nanoTime() + messageTimeout.toNanos();
            while (expected == 0 && !closed && System.nanoTime() < deadline) lock.wait(10);
            if (closed || index >= expected || connections[index] != null) return null;
            connections[index] = connection;
            running++;
            return new DataChannelLoader(index, connection, this, vm, digests.sharedView(), messageTimeout);
        }
    }

    void delivered(int index, int round, long pages, long bytes) {
        synchronized (lock) {
            deliveredRound[index] = round;
            pagesLoaded[index] = pages;
            bytesLoaded[index] = bytes;
            lock.notifyAll();
        }
    }

    void failed(int index, Exception e) {
        synchronized (lock) {
            if (failure == null && !closed) failure = new MigrationException("data channel " + index + " failed: " + Errors.describe(e), e);
            lock.notifyAll();
        }
    }

    void loaderDone() {
        synchronized (lock) {
            running--;
            lock.notifyAll();
        }
    }

    /**
     * Waits until every channel has delivered round {@code round} (loaded all of its pages).
     *
     * @return the pages loaded over all channels so far
     * @throws MigrationException if a channel failed or the channels fell silent for {@code timeout}
     */
    long awaitRound(int round, Duration timeout) throws MigrationException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                if (failure != null) throw failure instanceof MigrationException m ? m : new MigrationException(failure.getMessage(), failure);
                boolean all = expected > 0;
                for (int i = 0; i < expected && all; i++) all = connections[i] != null && deliveredRound[i] >= round;
                if (all) return Arrays.stream(pagesLoaded).sum();
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new MigrationException("the data channels did not deliver round " + round + " within "
                        + timeout.toMillis() + " ms");
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    long bytesLoaded() {
        synchronized (lock) {
            return Arrays.stream(bytesLoaded).sum();
        }
    }

    /** Closes every data connection and waits for the loaders to stop: nothing loads into the guest after this. */
    void close() throws InterruptedException {
        Connection[] open;
        synchronized (lock) {
            closed = true;
            open = connections.clone();
        }
        for (Connection c : open) {
            if (c != null) c.close();
        }
        synchronized (lock) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (running > 0 && System.nanoTime() < deadline) lock.wait(100);
        }
    }
}
