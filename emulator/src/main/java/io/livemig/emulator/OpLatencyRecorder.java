package io.livemig.emulator;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One vCPU's operation latencies as the guest lives them, in nanoseconds: the wall time from one
 * completed batch of operations to the next, throttle sleeps, pauses and any other stall (a
 * post-copy fault, the host descheduling the thread) included. It reads no clock of its own: the
 * batch's time is the heartbeat {@code completeOps} writes anyway (wall-clock microseconds; a
 * clock read costs about 120 ns on these VMs, as much as a few guest operations), and it adds one
 * histogram record per batch, on the vCPU's own thread; a reader takes interval histograms at any
 * time without stopping it (HdrHistogram's {@link SingleWriterRecorder}). A wall clock stepped
 * backwards gives one operation of 0 ns, never a negative one.
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
 * <p>{@code -Dlivemig.op-latency=off} turns recording off by default;
 * {@code VirtualMachine.setOpLatencyRecording} turns it on and off for one guest at any time (for
 * measuring what it costs, in one JVM).
 */
final class OpLatencyRecorder {
    static final boolean ENABLED_BY_DEFAULT = !"off".equals(System.getProperty("livemig.op-latency"));
    /** Two significant digits: 1 % resolution, a few KiB per histogram, cheap to read every 100 ms. */
    static final int SIGNIFICANT_DIGITS = 2;

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(SIGNIFICANT_DIGITS);
    private long lastOpMicros;
    private long waitedNanos;
    /** The reader's spare, handed back to the recorder at each interval swap. */
    private Histogram spare;
    private volatile boolean enabled = ENABLED_BY_DEFAULT;

    /** A batch of {@code ops} operations completed at {@code nowMicros}, the heartbeat's wall time (vCPU thread). */
    void completed(long nowMicros, long ops) {
        if (!enabled || ops <= 0) return;
        long last = lastOpMicros;
        lastOpMicros = nowMicros;
        long waited = waitedNanos;
        waitedNanos = 0;
        if (last == 0) return;
        long interval = (nowMicros - last) * 1_000;
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

    /** Turns recording on or off (any thread); the vCPU sees it at its next batch. */
    void enabled(boolean on) {
        if (on && !enabled) lastOpMicros = 0; // not across the time it was off
        enabled = on;
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
