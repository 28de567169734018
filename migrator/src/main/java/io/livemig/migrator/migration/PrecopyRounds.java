package io.livemig.migrator.migration;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.DirtyLog;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.protocol.RoundAck;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.stats.StopReason;

import java.util.Optional;

/**
 * The pre-copy phase: round 0 sends every non-zero page, each later round the pages dirtied during
 * the one before. A round is: send, {@code RoundEnd}, wait for {@code RoundAck} (so its figures are
 * of pages delivered), sync the dirty log, let the policy act on the figures, record them, and ask
 * the {@link StopRule} whether to go on. The guest keeps running throughout.
 */
final class PrecopyRounds {
    private final SourceSession session;
    private final StopRule stopRule;

    PrecopyRounds(SourceSession session, StopRule stopRule) {
        this.session = session;
        this.stopRule = stopRule;
    }

    /**
     * Runs rounds until the stop rule says stop; its reason is recorded in the session.
     *
     * @return the number of rounds sent, which is also the number of the next round
     */
    int run() throws Exception {
        session.listener.phase("pre-copy");
        DirtyLog log = session.vm.memory().dirtyLog();
        CpuScheduler scheduler = session.vm.scheduler();
        int pageSize = session.pageSize();
        log.enable();
        session.pending.setAll();
        int round = 0;
        while (true) {
            session.cancellation.check();
            double capDuring = scheduler.minCapPct();
            long roundStart = System.nanoTime();
            int current = round;
            PageSender.Sent sent = session.sender.send(session.pending, round == 0, round,
                    (done, total) -> {
                        session.cancellation.check();
                        session.listener.sending(current, done, total);
                    });
            session.connection.send(new RoundEnd(round, sent.pages()));
            awaitRoundAck(round);
            long roundNanos = System.nanoTime() - roundStart;
            long dirtyPages = log.syncAndClear(session.pending);
            session.figures.account(sent, roundNanos, dirtyPages, pageSize);
            RoundFigures figures = new RoundFigures(round, sent.pages(), sent.bytes(), roundNanos, dirtyPages, pageSize,
                    capDuring, session.options.downtimeLimit().toNanos(), session.figures.transferredBytes(),
                    session.sinceStartNanos());
            session.listener.round(session.figures.record(figures, 100 - capDuring, false, sent.wireBytes()), figures.remainingDirtyBytes());
            session.policy.afterRound(figures, scheduler);
            session.figures.noteThrottle(scheduler, pageSize);
            round++;
            // The stop rule's verdict is recorded here (a convergence verdict would be recorded beside it).
            Optional<StopReason> stop = stopRule.afterRound(figures);
            if (stop.isPresent()) {
                session.stopReason = stop.get();
                return round;
            }
        }
    }

    private void awaitRoundAck(int round) throws Exception {
        RoundAck ack = Replies.expect(session.connection, RoundAck.class, session.options.replyTimeout(), "round " + round);
        if (ack.round() != round) {
            throw new MigrationException("protocol error: acknowledgement of round " + ack.round() + " during round " + round);
        }
    }
}
