package io.livemig.emulator;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One vCPU's operation latencies as the guest lives them, in nanoseconds: the time from one
 * completed batch of operations to the next, throttle sleeps, pauses and any other stall (a
 * post-copy fault, the host descheduling the thread) included. One {@code System.nanoTime()} and
 * one histogram record per batch, on the vCPU's own thread; a reader takes interval histograms at
 * any time without stopping it (HdrHistogram's {@link SingleWriterRecorder}).
 *
 * <p>A batch of {@code n} operations is attributed evenly, except that time the vCPU spent parked
 * or throttled at its safe points ({@link #waited}) is charged to one operation, the one that
 * waited: a 10 ms throttle sleep before a batch of 64 shows as one 10 ms operation and 63 short
 * ones, not as 64 of 156 us.
 *
 * <p>The first batch after this recorder was made (a fresh guest, or a guest that just arrived by
 * migration) has no previous completion on this host and is not recorded; the operation in flight
 * across a migration is the migrator's to account for (it spans two hosts' clocks).
 *
 * <p>{@code -Dlivemig.op-latency=off} turns recording off (for measuring what it costs).
 */
final class OpLatencyRecorder {
    static final boolean ENABLED = !"off".equals(System.getProperty("livemig.op-latency"));
    /** Two significant digits: 1 % resolution, a few KiB per histogram, cheap to read every 100 ms. */
    static final int SIGNIFICANT_DIGITS = 2;

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(SIGNIFICANT_DIGITS);
    private long lastOpNanos;
    private long waitedNanos;
    /** The reader's spare, handed back to the recorder at each interval swap. */
    private Histogram spare;

    /** A batch of {@code ops} operations completed now (vCPU thread). */
    void completed(long ops) {
        if (ENABLED && ops > 0) completedAt(System.nanoTime(), ops);
    }

    /** {@link #completed} with the time given, for tests that script it. */
    void completedAt(long now, long ops) {
        long last = lastOpNanos;
        lastOpNanos = now;
        long waited = waitedNanos;
        waitedNanos = 0;
        if (last == 0) return;
        long interval = now - last;
        if (ops == 1) {
            recorder.recordValue(Math.max(0, interval));
            return;
        }
        if (waited <= 0) {
            recorder.recordValueWithCount(Math.max(0, interval / ops), ops);
            return;
        }
        long each = Math.max(0, interval - waited) / ops;
        recorder.recordValueWithCount(each, ops - 1);
        recorder.recordValue(each + waited);
    }

    /** The vCPU spent {@code nanos} parked or throttled at a safe point (vCPU thread). */
    void waited(long nanos) {
        if (nanos > 0) waitedNanos += nanos;
    }

    /** Adds what was recorded since the last call into {@code into} (one reader at a time). */
    synchronized void drainInto(Histogram into) {
        spare = recorder.getIntervalHistogram(spare);
        into.add(spare);
    }
}
