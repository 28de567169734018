package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationMode;
import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.clock.ClockOffset;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.PostcopyStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The source's post-copy phase in its session: pause the guest (for good, unless the destination
 * never read the switch), take the pages the destination lacks (all of them in postcopy mode; in
 * hybrid the pages pre-copy left dirty), and hand over to {@link SourcePostcopy}, which switches,
 * serves and reconnects. Its outcome becomes the migration's stats: {@code downtime_ms} is the
 * switch-over pause, and the destination's figures (faults, latency, blocktime, its work during
 * post-copy) come back in its confirmation.
 */
final class PostcopyPhase {
    private final SourceSession session;
    private final SourceReport report;

    PostcopyPhase(SourceSession session, SourceReport report) {
        this.session = session;
        this.report = report;
    }

    MigrationStats run() throws Exception {
        session.listener.phase("post-copy");
        VirtualMachine vm = session.vm;
        SourceTimeline t = session.timeline;
        MigrationOptions options = session.options;
        // Built before the pause: its page sets, encoder and the switch's buffer take a page count's
        // worth of memory, and an allocation in the pause can start a collection there.
        SourcePostcopy postcopy = new SourcePostcopy(vm, session.connection, session.requests, session.postcopyLinks,
                session.limiter, options, options.postcopy().recoverTimeout());
        long switchSentNanos;
        try {
            switchSentNanos = pauseAndSwitch(postcopy);
        } finally {
            postcopy.discardSwitch(); // nothing to give back once the switch went out
        }
        SourcePostcopy.Result result;
        try {
            result = postcopy.serve();
        } catch (GuestLostException e) {
            vm.stop(); // the surviving side stops its half
            return report.stats(MigrationStatus.FAILED, e.getMessage());
        }
        session.figures.accountPostcopy(result.bytesSent(), result.rawDataBytes(), result.wireDataBytes());
        if (result.outcome() == SourcePostcopy.Outcome.NEVER_SWITCHED) {
            session.committed = false; // the destination never started it: the guest resumes here
            return report.stats(MigrationStatus.FAILED, "the link broke at the switch to post-copy and the destination "
                    + "never started the guest; it runs here again");
        }
        vm.markMigrated();
        PostcopyComplete done = result.confirmation();
        // The destination's readings, in the source's time base: its clocks may be anywhere.
        ClockOffset offset = session.clockOffset != null ? session.clockOffset : ClockOffset.SAME_HOST;
        if (result.resumedAtNanos() > 0) {
            long resumedHere = offset.toSourceNanos(result.resumedAtNanos());
            t.downtimeNanos = resumedHere - t.pauseStartNanos;
            t.guestBackNanos = resumedHere;
            t.resumeNanos = resumedHere - switchSentNanos;
        }
        if (done.firstOpMicros() > 0 && t.lastHeartbeatMicros > 0) {
            t.appDowntimeMs = (offset.toSourceWallMicros(done.firstOpMicros()) - t.lastHeartbeatMicros) / 1000.0;
        }
        // The source's part of the guest's latencies: its operations until the pause and the one
        // each vCPU had in flight across the switch (the destination's post-copy part is not reported yet).
        if (t.guestBackNanos > 0) session.latency.resumedThere(t.pauseStartNanos, t.guestBackNanos, t.appDowntimeMs);
        t.postcopyEndNanos = session.clock.monotonicNanos();
        t.opsAtPostcopyEnd = done.guestOps();
        session.postcopyStats = stats(result, done);
        session.digestVerified = done.memoryDigest() == result.sourceDigest();
        return report.stats(session.digestVerified ? MigrationStatus.COMPLETED : MigrationStatus.FAILED, session.digestVerified
                ? null : "memory digest mismatch after post-copy: source " + Long.toHexString(result.sourceDigest())
                + ", destination " + Long.toHexString(done.memoryDigest()));
    }

    /**
     * Pauses the guest for good and sends the switch: from its return the guest is the
     * destination's. Returns when the switch was written, by the session's clock.
     */
    private long pauseAndSwitch(SourcePostcopy postcopy) throws Exception {
        VirtualMachine vm = session.vm;
        SourceTimeline t = session.timeline;
        session.pauseGuest();
        DirtyBitmap missing = session.pending;
        if (session.options.mode() == MigrationMode.POSTCOPY) missing.setAll();
        else vm.memory().dirtyLog().syncAndAdd(missing);

        long switchStart = session.clock.monotonicNanos();
        session.cancellation.commit(); // from here a cancel is refused: the guest is about to run there
        postcopy.sendSwitch(missing, t.pauseStartNanos); // a failure before this returns resumes the guest here
        session.committed = true;
        session.requests = null; // the phase owns it now
        long switchSentNanos = session.clock.monotonicNanos();
        t.finalTransferNanos = switchSentNanos - switchStart;
        return switchSentNanos;
    }

    private PostcopyStats stats(SourcePostcopy.Result result, PostcopyComplete done) {
        List<Double> perVcpu = new ArrayList<>();
        double sum = 0;
        for (long nanos : done.blocktimeNanosPerVcpu()) {
            perVcpu.add(Millis.of(nanos));
            sum += Millis.of(nanos);
        }
        return PostcopyStats.builder(session.options.mode()).postcopyTimeMs(Millis.of(result.postcopyNanos()))
                .postcopyFaults(done.faults()).postcopyPagesRequested(done.pagesRequested()).postcopyPagesPushed(result.pagesPushed())
                .faultLatencyUsP50(done.faultLatencyP50Nanos() / 1e3).faultLatencyUsP99(done.faultLatencyP99Nanos() / 1e3)
                .faultLatencyUsMax(done.faultLatencyMaxNanos() / 1e3).blocktimeMs(sum).blocktimeMsPerVcpu(perVcpu).build();
    }
}
