package io.livemig.migrator.migration;

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
        MigrationOptions options = session.options;
        SourceTimeline t = session.timeline;
        session.cancellation.commit(); // from here a cancel is refused; a cancel that came first ends it here
        long commitStart = System.nanoTime();
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
        t.downtimeNanos = resumed.resumedAtNanos() - t.pauseStartNanos;
        t.guestBackNanos = resumed.resumedAtNanos();
        t.resumeNanos = resumed.resumedAtNanos() - commitStart;
        if (resumed.firstOpMicros() > 0 && t.lastHeartbeatMicros > 0) {
            t.appDowntimeMs = (resumed.firstOpMicros() - t.lastHeartbeatMicros) / 1000.0;
        }
        try {
            return options.verifyAfterResume() ? checkDigestAfterResume() : report.stats(MigrationStatus.COMPLETED, null);
        } catch (Exception e) {
            return report.stats(MigrationStatus.COMPLETED, "the digest check after resume did not finish: " + Errors.describe(e));
        }
    }

    /** The deferred check: the source's digest at pause against the destination's at resume. */
    private MigrationStats checkDigestAfterResume() throws Exception {
        long source = session.vm.memory().digest(); // the paused memory, unchanged since the pause
        session.connection.send(new DigestCheck(source));
        DigestCheck destination = Replies.expect(session.connection, DigestCheck.class, session.options.replyTimeout(),
                "the digest check");
        session.digestVerified = destination.memoryDigest() == source;
        return report.stats(MigrationStatus.COMPLETED, session.digestVerified ? null
                : "memory digest mismatch found after resume: source " + Long.toHexString(source) + ", destination "
                + Long.toHexString(destination.memoryDigest()) + "; the destination stopped the guest");
    }
}
