package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VmState;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;

/** Turns a source session, however far it got, into its {@link MigrationStats}. */
final class SourceReport {
    private final SourceSession session;

    SourceReport(SourceSession session) {
        this.session = session;
    }

    MigrationStats stats(MigrationStatus status, String error) {
        long now = System.nanoTime();
        SourceTimeline t = session.timeline;
        SourceFigures f = session.figures;
        GuestMemory memory = session.vm.memory();
        MigrationOptions options = session.options;
        // Work lost: from the start until the guest ran again (destination resume, or now if it
        // never left), at the pre-migration rate, minus the work done on the source meanwhile.
        long endNanos = t.guestBackNanos > 0 ? t.guestBackNanos : now;
        long opsNow = t.opsAtPause >= 0 ? t.opsAtPause
                : session.vm.state() == VmState.RUNNING ? session.vm.totalOps() : t.opsAtStart;
        long opsDone = opsNow - t.opsAtStart;
        double opsExpected = session.appOpsPerSBefore * (endNanos - t.startNanos) / 1e9;
        long opsLost = (long) Math.max(0, opsExpected - opsDone);
        double lostPct = opsExpected <= 0 ? 0 : 100.0 * opsLost / opsExpected;
        return MigrationStats.builder()
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
                .appOpsPerSBefore(session.appOpsPerSBefore)
                .appOpsPerSDuring(t.opsPerSDuring)
                .appOpsLost(opsLost)
                .appWorkLostPct(lostPct)
                .appliedDirtyLimitBytesPerS(f.appliedDirtyLimitBytesPerS())
                .stopReason(session.stopReason)
                .channels(options.transfer().channels())
                .compression(options.transfer().compression().word())
                .compressionRatio(f.compressionRatio())
                .wireBytes(f.wireBytes())
                .deltaPages(f.deltaPages())
                .deltaCacheMisses(session.sender == null ? 0 : session.sender.deltaCacheMisses())
                .error(error)
                .roundsDetail(f.rounds())
                .build();
    }
}
