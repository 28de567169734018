package io.livemig.migrator.migration;

import io.livemig.emulator.CpuScheduler;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.stats.RoundStats;

import java.util.ArrayList;
import java.util.List;

/** What the source sent and saw, accumulated over the rounds (stop-and-copy included). */
final class SourceFigures {
    private final List<RoundStats> rounds = new ArrayList<>();
    private long transferredBytes;
    private long wireBytes;
    private long rawDataBytes;
    private long wireDataBytes;
    private long deltaPages;
    private long normalPages;
    private long zeroPages;
    private long sendNanosTotal;
    private long dirtyBytesTotal;
    private double maxThrottlePct;
    private double appliedDirtyLimitBytesPerS;

    /** Adds one send: its pages and bytes, how long it took, and the pages dirtied meanwhile. */
    void account(PageSender.Sent sent, long nanos, long dirtyPages, int pageSize) {
        transferredBytes += sent.bytes();
        wireBytes += sent.wireBytes();
        rawDataBytes += sent.rawDataBytes();
        wireDataBytes += sent.wireDataBytes();
        deltaPages += sent.deltaPages();
        normalPages += sent.normalPages();
        zeroPages += sent.zeroPages();
        sendNanosTotal += nanos;
        dirtyBytesTotal += dirtyPages * pageSize;
    }

    /** Adds the bytes post-copy put on the wire (push and answers; its frames carry whole pages, uncompressed). */
    /**
     * Post-copy's frames: {@code wire} bytes on the wire, of which the push's data blocks took
     * {@code wireData} for {@code rawData} of pages (more when compressed).
     */
    void accountPostcopy(long wire, long rawData, long wireData) {
        transferredBytes += wire + rawData - wireData;
        wireBytes += wire;
        rawDataBytes += rawData;
        wireDataBytes += wireData;
    }

    /** Records a finished round as reported, and returns it. */
    RoundStats record(RoundFigures f, double throttlePct, boolean stopAndCopy, long wireBytes) {
        RoundStats stats = new RoundStats(f.round(), f.pagesSent(), f.bytesSent(), Millis.of(f.durationNanos()),
                f.dirtyPages(), throttlePct, f.dirtyRateBytesPerSec(), f.transferRateBytesPerSec(), stopAndCopy, wireBytes);
        rounds.add(stats);
        return stats;
    }

    /** Notes the throttle a policy left in force (the largest over the migration is reported). */
    void noteThrottle(CpuScheduler scheduler, int pageSize) {
        maxThrottlePct = Math.max(maxThrottlePct, 100 - scheduler.minCapPct());
        appliedDirtyLimitBytesPerS = Math.max(appliedDirtyLimitBytesPerS, (double) scheduler.dirtyLimit(0) * pageSize);
    }

    /** Bytes per second over the time spent sending. */
    double averageRateBytesPerS() {
        return sendNanosTotal == 0 ? 0 : transferredBytes * 1e9 / sendNanosTotal;
    }

    /** Bytes dirtied per second of sending. */
    double dirtyRateBytesPerS() {
        return sendNanosTotal == 0 ? 0 : dirtyBytesTotal * 1e9 / sendNanosTotal;
    }

    long transferredBytes() { return transferredBytes; }

    long wireBytes() { return wireBytes; }

    long deltaPages() { return deltaPages; }

    /** Data blocks before compression over data blocks sent; 1 when nothing was compressed. */
    double compressionRatio() { return wireDataBytes == 0 ? 1 : (double) rawDataBytes / wireDataBytes; }

    long normalPages() { return normalPages; }

    long zeroPages() { return zeroPages; }

    double maxThrottlePct() { return maxThrottlePct; }

    double appliedDirtyLimitBytesPerS() { return appliedDirtyLimitBytesPerS; }

    List<RoundStats> rounds() { return rounds; }
}
