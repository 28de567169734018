package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.OutcomeQuery;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.Connection;

/**
 * COMMIT was written but RESUMED never came: only the destination knows whether it read COMMIT.
 * Ask it on a new connection; its answer is final (asking abandons a migration still waiting for
 * COMMIT there), so the guest resumes here only if it can never start there.
 */
final class InDoubtResolver {
    static final int OUTCOME_QUERY_ATTEMPTS = 5;
    static final long OUTCOME_QUERY_PAUSE_MILLIS = 1_000;

    private final SourceSession session;
    private final SourceReport report;

    InDoubtResolver(SourceSession session, SourceReport report) {
        this.session = session;
        this.report = report;
    }

    /** @param cause why RESUMED did not come */
    MigrationStats resolve(Exception cause) throws InterruptedException {
        MigrationOptions options = session.options;
        String why = Errors.describe(cause);
        String lastError = "";
        for (int attempt = 1; attempt <= OUTCOME_QUERY_ATTEMPTS; attempt++) {
            try (Connection asking = session.transport.connect(session.to, options.connectTimeout())) {
                session.handshake.sourceSide(asking, options.replyTimeout());
                asking.send(new OutcomeQuery(session.migrationId));
                Outcome outcome = Replies.expect(asking, Outcome.class, options.replyTimeout(), "the outcome query");
                if (outcome.committed()) {
                    session.vm.markMigrated();
                    return report.stats(MigrationStatus.COMPLETED,
                            "RESUMED was lost (" + why + "); the destination confirmed it runs the guest");
                }
                session.committed = false; // the destination will never run it: the guest is ours again
                return report.stats(MigrationStatus.FAILED,
                        "COMMIT did not reach the destination (" + why + "); the guest resumes here");
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                lastError = Errors.describe(e);
                Thread.sleep(OUTCOME_QUERY_PAUSE_MILLIS);
            }
        }
        return report.stats(MigrationStatus.FAILED, "in doubt: COMMIT was written but RESUMED never came (" + why
                + ") and the destination could not be asked (" + lastError
                + "); the guest stays paused here, since it may be running there");
    }
}
