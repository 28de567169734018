package io.livemig.migrator.policy;

/**
 * QEMU's "dirty rate too high" detector, shared by auto-converge and dirty-limit: over periods
 * of at least one second, a period counts when the bytes dirtied in it exceed
 * {@code thresholdPct} % of the bytes sent in it; every second counted period fires.
 */
final class DirtyRateTrigger {
    static final long MIN_PERIOD_NANOS = 1_000_000_000L;

    private final int thresholdPct;
    private long periodStartNanos;
    private long bytesDirtied;
    private long bytesSent;
    private int highPeriods;
    private double lastDirtiedToThresholdRatio;

    DirtyRateTrigger(int thresholdPct) {
        if (thresholdPct < 1 || thresholdPct > 100) {
            throw new IllegalArgumentException("throttle trigger threshold must be 1..100 %, got " + thresholdPct);
        }
        this.thresholdPct = thresholdPct;
    }

    /** Adds a round; returns true when this round closes the second high period in a row. */
    boolean fires(RoundFigures round) {
        bytesDirtied += round.remainingDirtyBytes();
        bytesSent += round.bytesSent();
        if (round.elapsedNanos() - periodStartNanos < MIN_PERIOD_NANOS) return false;
        long threshold = bytesSent * thresholdPct / 100;
        boolean high = bytesDirtied > threshold;
        lastDirtiedToThresholdRatio = bytesDirtied == 0 ? 0 : threshold / (double) bytesDirtied;
        periodStartNanos = round.elapsedNanos();
        bytesDirtied = 0;
        bytesSent = 0;
        if (high && ++highPeriods >= 2) {
            highPeriods = 0;
            return true;
        }
        return false;
    }

    /** threshold bytes / dirtied bytes of the last closed period (QEMU's tail-slow ratio). */
    double lastThresholdToDirtiedRatio() { return lastDirtiedToThresholdRatio; }
}
