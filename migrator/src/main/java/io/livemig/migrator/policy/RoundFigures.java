package io.livemig.migrator.policy;

import io.livemig.emulator.WorkingSetCurve;

/**
 * What one pre-copy round measured, as a convergence policy sees it.
 *
 * @param round              round number, 0 = the full first pass
 * @param pagesSent          pages sent in the round (normal and zero)
 * @param bytesSent          bytes put on the wire in the round
 * @param durationNanos      wall time of the round
 * @param dirtyPages         pages dirtied during the round (taken by the sync that ends it): what is left to send
 * @param pageSize           guest page size in bytes
 * @param capPct             the vCPU CPU cap in force during the round, percent of a core
 * @param downtimeLimitNanos the downtime target
 * @param totalBytesSent     bytes sent by the migration so far, this round included
 * @param elapsedNanos       time since the migration started, at the end of this round
 * @param workingSet         W(tau) measured over the round (empty when not measured)
 * @param dirtyPagesSinceSync pages dirtied again between the sync that ended this round and the
 *                           moment the figures reach the policy: the next round's head start, at
 *                           the cap of this round (a saturated guest can dirty its whole working set
 *                           while the sync runs)
 */
public record RoundFigures(int round, long pagesSent, long bytesSent, long durationNanos, long dirtyPages,
                           int pageSize, double capPct, long downtimeLimitNanos, long totalBytesSent,
                           long elapsedNanos, WorkingSetCurve workingSet, long dirtyPagesSinceSync) {

    /** Figures of a round without a working-set measurement. */
    public RoundFigures(int round, long pagesSent, long bytesSent, long durationNanos, long dirtyPages,
                        int pageSize, double capPct, long downtimeLimitNanos, long totalBytesSent, long elapsedNanos) {
        this(round, pagesSent, bytesSent, durationNanos, dirtyPages, pageSize, capPct, downtimeLimitNanos, totalBytesSent,
                elapsedNanos, WorkingSetCurve.empty(1), 0);
    }

    /** R: bytes per second the link carried in this round (0 if nothing was measured). */
    public double transferRateBytesPerSec() {
        return durationNanos <= 0 ? 0 : bytesSent * 1e9 / durationNanos;
    }

    /** D: bytes per second of pages newly dirtied during the round, at cap {@link #capPct()}. */
    public double dirtyRateBytesPerSec() {
        return durationNanos <= 0 ? 0 : dirtyPages * (double) pageSize * 1e9 / durationNanos;
    }

    /** V(i): dirty bytes left to send after this round. */
    public long remainingDirtyBytes() {
        return dirtyPages * pageSize;
    }

    /** V*: dirty bytes that the link sends within the downtime limit at this round's rate. */
    public double targetBytes() {
        return downtimeLimitNanos / 1e9 * transferRateBytesPerSec();
    }
}
