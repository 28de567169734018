package io.livemig.migrator.estimate;

import io.livemig.emulator.CpuScheduler;

/**
 * The stop-and-copy after pre-copy: pause, send the pages the last round left dirty (a stream the
 * CPU paces gets the paused vCPUs' cores, {@link CopyLoad#rateScale}) while the source
 * digests its paused memory on other cores (unless the digests are compared after the resume), then
 * the handover. Host downtime = pause + max(final transfer, digest) + handover. The guest's own gap
 * is a little longer, and longer still when it was throttled: a capped vCPU paused while it sleeps
 * out its period last ran before the sleep began.
 */
public final class StopAndCopyModel {
    private StopAndCopyModel() {}

    public static Ending after(PrecopyCourse course, GuestProfile guest, LinkProfile link, Overheads overheads,
                               boolean digestBeforeResume) {
        double bytes = overheads.wireBytes(course.dirtyPagesLeft(), guest.pageSize());
        double transfer = link.roundNanos(bytes, guest, 0); // the vCPUs paused: the stream has their cores
        double digest = digestBeforeResume && guest.digestBytesPerS() > 0 ? guest.memoryBytes() / guest.digestBytesPerS() * 1e9 : 0;
        double downtime = overheads.pauseNanos() + Math.max(transfer, digest) + overheads.handoverNanos();
        double app = downtime + overheads.appGapNanos() + throttleSleepGapNanos(course.finalCapPct());
        return new Ending(downtime, bytes, downtime, app, app);
    }

    /**
     * The expected time since a capped vCPU's last operation when the pause comes: it sleeps
     * (1 - c) of each period, and a pause that finds it asleep finds it on average half-way through.
     */
    static double throttleSleepGapNanos(double capPct) {
        if (capPct >= CpuScheduler.MAX_CAP_PCT) return 0;
        double c = Math.max(capPct, 0.01) / 100;
        double period = Math.max(CpuScheduler.DEFAULT_PERIOD.toNanos(), 200_000.0 / c);
        double sleep = (1 - c) * period;
        return (1 - c) * sleep / 2;
    }
}
