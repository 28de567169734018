package io.livemig.migrator.migration;

import io.livemig.migrator.clock.ClockOffset;
import io.livemig.migrator.jfr.HandoverEvent;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.DigestCheck;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.netty.channel.ChannelFuture;

/**
 * The two-phase handover, after {@code Ready}: write {@code Commit} (from then on the guest is the
 * destination's and never resumes here on its own), read {@code Resumed} for the downtime figures,
 * then, with {@code --verify after-resume}, exchange the digests. A lost {@code Resumed} leaves the
 * source in doubt: the {@link InDoubtResolver} asks the destination.
 */
final class Handover {
    private final SourceSession session;
    private final SourceReport report;

    Handover(SourceSession session, SourceReport report) {
        this.session = session;
        this.report = report;
    }

    MigrationStats run() throws Exception {
        session.listener.phase("handover");
        HandoverEvent event = new HandoverEvent();
        event.begin();
        MigrationOptions options = session.options;
        SourceTimeline t = session.timeline;
        session.cancellation.commit(); // from here a cancel is refused; a cancel that came first ends it here
        long commitStart = session.clock.monotonicNanos();
        ChannelFuture commit = session.connection.send(new Commit());
        if (!commit.await(options.replyTimeout().toMillis()) || !commit.isSuccess()) {
            throw new MigrationException("COMMIT could not be sent: " + Errors.describe(commit.cause()));
        }
        session.committed = true;
        Resumed resumed;
        try {
            resumed = Replies.expect(session.connection, Resumed.class, options.replyTimeout(), "handover");
        } catch (Exception e) {
            return new InDoubtResolver(session, report).resolve(e);
        }
        session.vm.markMigrated();
        String note = measureClocks();
        // The destination's readings, in the source's time base: its clocks may be anywhere.
        ClockOffset offset = session.clockOffset != null ? session.clockOffset : ClockOffset.SAME_HOST;
        long resumedHere = offset.toSourceNanos(resumed.resumedAtNanos());
        t.downtimeNanos = resumedHere - t.pauseStartNanos;
        t.guestBackNanos = resumedHere;
        t.resumeNanos = resumedHere - commitStart;
        if (resumed.firstOpMicros() > 0 && t.lastHeartbeatMicros > 0) {
            t.appDowntimeMs = (offset.toSourceWallMicros(resumed.firstOpMicros()) - t.lastHeartbeatMicros) / 1000.0;
        }
        session.latency.resumedThere(t.pauseStartNanos, resumedHere, t.appDowntimeMs);
        event.side = "source";
        event.downtimeNanos = t.downtimeNanos;
        event.appDowntimeNanos = t.appDowntimeMs < 0 ? -1 : (long) (t.appDowntimeMs * 1e6);
        event.clockUncertaintyNanos = offset.uncertaintyNanos();
        event.commit();
        boolean stoppedThere = false; // digests that differ after resume stop the guest there: no completed migration
        try {
            if (options.verifyAfterResume()) {
                String mismatch = checkDigestAfterResume();
                if (mismatch != null) note = mismatch;
                stoppedThere = !session.digestVerified;
            }
        } catch (Exception e) {
            note = "the digest check after resume did not finish: " + Errors.describe(e);
        }
        t.endNanos = session.clock.monotonicNanos();
        try {
            session.latency.collectAfter(resumedHere);
        } catch (Exception e) {
            // Figures only: the migration is complete; the "after" latencies are left out.
            if (note == null) note = "no operation latencies from the destination: " + Errors.describe(e);
        }
        return report.stats(stoppedThere ? MigrationStatus.FAILED : MigrationStatus.COMPLETED, note);
    }

    /**
     * The clocks' offset, measured again now that the guest runs there and the link is idle (the
     * latest converts the destination's readings). Measured before the pause instead, the guest ran
     * on through its round trips (14-39 ms on a busy 2-core host) and dirtied pages that the
     * stop-and-copy then sent. Returns a note when only the setup's measure is left.
     */
    private String measureClocks() {
        try {
            SourceClock.measure(session, "after-resume");
            return null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return "clock offset from the setup: the exchange after resume failed: " + Errors.describe(e);
        }
    }

    /** The deferred check: the source's digest at pause against the destination's at resume; returns a note on a mismatch. */
    private String checkDigestAfterResume() throws Exception {
        long source = session.vm.memory().digest(); // the paused memory, unchanged since the pause
        session.connection.send(new DigestCheck(source));
        DigestCheck destination = Replies.expect(session.connection, DigestCheck.class, session.options.replyTimeout(),
                "the digest check");
        session.digestVerified = destination.memoryDigest() == source;
        return session.digestVerified ? null
                : "memory digest mismatch found after resume: source " + Long.toHexString(source) + ", destination "
                + Long.toHexString(destination.memoryDigest()) + "; the destination stopped the guest";
    }
}
