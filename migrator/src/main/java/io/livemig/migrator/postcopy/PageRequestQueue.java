package io.livemig.migrator.postcopy;

import io.livemig.emulator.PageFaultHandler;

import java.util.concurrent.TimeUnit;

/**
 * The destination's fault handler: a vCPU's request for a page goes into this small queue (it
 * never waits for the network) and the requester thread sends it. At most one request per page is
 * ever outstanding (the emulator asks once), so the queue holds at most a few entries per vCPU;
 * it grows if it must, and stores plain longs (nothing boxed per fault).
 */
public final class PageRequestQueue implements PageFaultHandler {
    private long[] ring = new long[64];
    private int head;
    private int size;

    @Override
    public synchronized void requestPage(long page) {
        if (size == ring.length) grow();
        ring[(head + size) % ring.length] = page;
        size++;
        notifyAll();
    }

    /** The next requested page, or -1 if none came within {@code timeoutNanos}. */
    public synchronized long take(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (size == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return -1;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        long page = ring[head];
        head = (head + 1) % ring.length;
        size--;
        return page;
    }

    public synchronized int size() { return size; }

    private void grow() {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) % ring.length];
        ring = bigger;
        head = 0;
    }
}
