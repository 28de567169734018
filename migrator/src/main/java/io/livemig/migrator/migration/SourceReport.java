package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VmState;
import io.livemig.migrator.policy.CpuSchedulingPolicy;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.PostcopyStats;

/** Turns a source session, however far it got, into its {@link MigrationStats}. */
final class SourceReport {
    private final SourceSession session;

    SourceReport(SourceSession session) {
        this.session = session;
    }

    MigrationStats stats(MigrationStatus status, String error) {
        long now = session.timeline.endNanos > 0 ? session.timeline.endNanos : session.clock.monotonicNanos();
        SourceTimeline t = session.timeline;
        SourceFigures f = session.figures;
        GuestMemory memory = session.vm.memory();
        MigrationOptions options = session.options;
        // Work lost: from the start until the guest ran again (destination resume, or now if it
        // never left), at the guest's demonstrated rate, minus the work done on the source meanwhile.
        // The demonstrated rate is the higher of the baseline's and the pre-copy's: a guest that ran
        // faster during pre-copy than in its baseline window (still warming up then) showed it could.
        // After post-copy: until the destination confirmed the last page, counting its work meanwhile.
        long endNanos = t.postcopyEndNanos > 0 ? t.postcopyEndNanos : t.guestBackNanos > 0 ? t.guestBackNanos : now;
        long opsNow = t.opsAtPostcopyEnd >= 0 ? t.opsAtPostcopyEnd : t.opsAtPause >= 0 ? t.opsAtPause
                : session.vm.state() == VmState.RUNNING ? session.vm.totalOps() : t.opsAtStart;
        long opsDone = opsNow - t.opsAtStart;
        double opsPerSDuring = t.opsAtPause >= 0 ? t.opsPerSDuring
                : opsDone * 1e9 / Math.max(1, now - t.startNanos);
        double referenceOpsPerS = Math.max(session.baseline.opsPerS(), opsPerSDuring);
        double opsExpected = referenceOpsPerS * (endNanos - t.startNanos) / 1e9;
        long opsLost = (long) Math.max(0, opsExpected - opsDone);
        double lostPct = opsExpected <= 0 ? 0 : 100.0 * opsLost / opsExpected;
        MigrationStats.Builder stats = MigrationStats.builder()
                .status(status)
                .policy(session.policy.name())
                .memoryBytes(memory.sizeBytes())
                .pageSize(memory.pageSize())
                .vcpus(session.vm.config().vcpus())
                .workload(session.vm.program().spec())
                .rounds(f.rounds().size())
                .totalTimeMs(Millis.of(now - t.startNanos))
                .setupTimeMs(Millis.of(t.setupNanos))
                .downtimeMs(t.downtimeNanos < 0 ? -1 : Millis.of(t.downtimeNanos))
                .appDowntimeMs(t.appDowntimeMs)
                .pauseMs(Millis.of(t.pauseNanos))
                .finalTransferMs(Millis.of(t.finalTransferNanos))
                .verifyMs(Millis.of(t.verifyNanos))
                .resumeMs(Millis.of(t.resumeNanos))
                .transferredBytes(f.transferredBytes())
                .normalPages(f.normalPages())
                .zeroPages(f.zeroPages())
                .dirtyRateBytesPerS(f.dirtyRateBytesPerS())
                .bandwidthBytesPerS(f.averageRateBytesPerS())
                .bandwidthLimitBytesPerS(options.bandwidthBytesPerS())
                .downtimeLimitMs(Millis.of(options.downtimeLimit().toNanos()))
                .maxThrottlePct(f.maxThrottlePct())
                .digestVerified(session.digestVerified)
                .appOpsPerSBefore(session.baseline.opsPerS())
                .appOpsPerSDuring(t.opsPerSDuring)
                .appOpsLost(opsLost)
                .appWorkLostPct(lostPct)
                .appliedDirtyLimitBytesPerS(f.appliedDirtyLimitBytesPerS())
                .stopReason(session.stopReason)
                .convergence(session.convergence == null ? null : session.convergence.convergence())
                .convergenceReason(session.convergence == null ? null : session.convergence.reason())
                .convergencePredictedDowntimeMs(session.convergence == null || Double.isNaN(session.convergence.predictedDowntimeNanos())
                        ? null : Millis.of((long) session.convergence.predictedDowntimeNanos()))
                .convergenceRound(session.convergence == null ? null : session.convergence.round())
                .cpuModel(session.policy instanceof CpuSchedulingPolicy p ? p.cpuModel().cliName() : null)
                .maxThrottleSleepMs(Millis.of(session.vm.scheduler().longestSleepNanos()))
                .channels(options.transfer().channels())
                .compression(options.transfer().compression().word())
                .compressionRatio(f.compressionRatio())
                .wireBytes(f.wireBytes())
                .deltaPages(f.deltaPages())
                .deltaCacheMisses(session.sender == null ? 0 : session.sender.deltaCacheMisses())
                .error(error)
                .roundsDetail(f.rounds());
        if (session.clockOffset != null) {
            stats.clockUncertaintyMs(session.clockOffset.uncertaintyMs())
                    .clockOffsetMs(session.clockOffset.monotonicOffsetNanos() / 1e6)
                    .wallClockOffsetMs(session.clockOffset.wallOffsetMicros() / 1e3);
        }
        if (session.latency != null) session.latency.report(stats);
        return stats.postcopy(session.postcopyStats != null ? session.postcopyStats : PostcopyStats.none(options.mode()))
                .build();
    }
}
