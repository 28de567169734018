package io.livemig.migrator.migration;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.DirtyLog;
import io.livemig.emulator.WorkingSetCurve;
import io.livemig.emulator.WorkingSetSampler;
import io.livemig.migrator.jfr.RoundEvent;
import io.livemig.migrator.jfr.ThrottleChangeEvent;
import io.livemig.migrator.policy.PlanVerdict;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.protocol.RoundAck;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.stats.StopReason;

import java.util.Optional;

/**
 * The pre-copy phase: round 0 sends every non-zero page, each later round the pages dirtied during
 * the one before. A round is: send, {@code RoundEnd}, wait for {@code RoundAck} (so its figures are
 * of pages delivered), sync the dirty log, let the policy act on the figures, record them, and ask
 * the {@link StopRule} whether to go on (and, in hybrid mode, the {@link PostcopySwitch}, which may
 * also cut a round short when the guest dirties pages faster than the round sends them). The guest
 * keeps running throughout.
 *
 * <p>Before round 0 the policy learns the stop rule's budget, and every throttle sleep is bounded
 * by the downtime limit (a guest asleep for seconds just before the pause would see those seconds
 * as downtime). Each round measures the guest's working-set curve W(tau): a window opens right
 * after the dirty log is cleared and is read just before the next clear; the curve goes to the
 * policy with the round's figures, and so do the pages dirtied again since the sync (the next
 * round's head start). The policy's verdict is kept for the {@code convergence} key.
 */
final class PrecopyRounds {
    /** How often a hybrid round looks at the dirty log while it sends (a scan of one byte per page). */
    static final long SWITCH_CHECK_NANOS = 50_000_000L;

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
        WorkingSetSampler workingSet = session.vm.workingSet();
        int pageSize = session.pageSize();
        session.policy.start(stopRule.budget());
        scheduler.setMaxSleep(session.options.downtimeLimit());
        scheduler.resetLongestSleep();
        ConvergenceWatch watch = new ConvergenceWatch();
        workingSet.openWindowOnCleanLog(log);
        session.pending.setAll();
        try {
            return rounds(log, scheduler, workingSet, pageSize, watch);
        } finally {
            workingSet.stop();
        }
    }

    private int rounds(DirtyLog log, CpuScheduler scheduler, WorkingSetSampler workingSet, int pageSize,
                       ConvergenceWatch watch) throws Exception {
        int round = 0;
        while (true) {
            session.cancellation.check();
            double capDuring = scheduler.minCapPct();
            RoundEvent event = new RoundEvent();
            event.begin();
            long roundStart = session.clock.monotonicNanos();
            int current = round;
            long[] handled = {0};
            PageSender.Sent sent = session.sender.send(session.pending, round == 0, round, (done, total) -> {
                session.cancellation.check();
                handled[0] = done;
                session.listener.sending(current, done, total);
            }, switchDuringRound(log, roundStart, handled));
            DirtyBitmap unsent = sent.stoppedEarly() ? pagesAfter(session.pending, sent.stoppedAfterPage()) : null;
            session.connection.send(new RoundEnd(round, sent.pages()));
            awaitRoundAck(round); // also for a round cut short: the switch then starts with an empty pipe
            long roundNanos = session.clock.monotonicNanos() - roundStart;
            WorkingSetCurve curve = workingSet.curve();
            session.pending.clear();
            long dirtyPages = workingSet.openWindowAndSync(log, session.pending);
            if (unsent != null) addAll(unsent, session.pending);
            session.figures.account(sent, roundNanos, dirtyPages, pageSize);
            RoundFigures figures = new RoundFigures(round, sent.pages(), sent.bytes(), roundNanos, dirtyPages, pageSize,
                    capDuring, session.options.downtimeLimit().toNanos(), session.figures.transferredBytes(),
                    session.sinceStartNanos(), curve, log.countDirty());
            ThrottleChangeEvent change = new ThrottleChangeEvent();
            double capBefore = scheduler.minCapPct();
            long limitBefore = scheduler.dirtyLimit(0);
            if (unsent == null) {
                // The policy first: until its cap applies the guest runs at the old one (full speed after round 0).
                session.policy.afterRound(figures, scheduler);
                session.figures.noteThrottle(scheduler, pageSize);
            }
            session.listener.round(session.figures.record(figures, 100 - capDuring, false, sent.wireBytes()), figures.remainingDirtyBytes());
            commit(event, figures, capDuring);
            if (unsent != null) {
                session.stopReason = StopReason.POSTCOPY; // hybrid: the guest outran this round; switch now
                session.convergence = watch.conclude(StopReason.POSTCOPY, figures, Double.NaN, session.postcopySwitch.reason());
                return round + 1;
            }
            if (scheduler.minCapPct() != capBefore || scheduler.dirtyLimit(0) != limitBefore) {
                commit(change, round, capBefore, limitBefore, scheduler, pageSize);
                // The new throttle applies from here. A write-saturated guest redirties its whole working
                // set within a millisecond of the sync, at the old pace: taken into the next round's set
                // now, those pages leave the next round to be dirtied at the new pace, from a clean log.
                workingSet.openWindowAndSync(log, session.pending);
            }
            PlanVerdict verdict = session.policy.verdict();
            if (verdict.infeasible() && watch.firstInfeasible() == null) session.listener.infeasible(verdict);
            watch.afterRound(verdict);
            round++;
            Optional<StopReason> stop = stopRule.afterRound(figures);
            if (stop.isPresent()) {
                session.stopReason = stop.get();
                session.convergence = watch.conclude(stop.get(), figures, stopRule.expectedDowntimeNanos(), null);
                return round;
            }
            if (session.postcopySwitch != null && session.postcopySwitch.afterRound(figures)) {
                session.stopReason = StopReason.POSTCOPY;
                session.convergence = watch.conclude(StopReason.POSTCOPY, figures, stopRule.expectedDowntimeNanos(),
                        session.postcopySwitch.reason());
                return round;
            }
        }
    }

    private static void commit(RoundEvent event, RoundFigures figures, double capDuring) {
        event.round = figures.round();
        event.pagesSent = figures.pagesSent();
        event.bytesSent = figures.bytesSent();
        event.dirtyPages = figures.dirtyPages();
        event.dirtyRateBytesPerSecond = (long) figures.dirtyRateBytesPerSec();
        event.transferRateBytesPerSecond = (long) figures.transferRateBytesPerSec();
        event.throttle = (100 - capDuring) / 100;
        event.commit();
    }

    private void commit(ThrottleChangeEvent event, int round, double capBefore, long limitBefore, CpuScheduler scheduler,
                        int pageSize) {
        event.policy = session.policy.name();
        event.round = round;
        event.throttleBefore = (100 - capBefore) / 100;
        event.throttleAfter = (100 - scheduler.minCapPct()) / 100;
        event.dirtyLimitBeforeBytesPerSecond = limitBefore * pageSize;
        event.dirtyLimitAfterBytesPerSecond = scheduler.dirtyLimit(0) * pageSize;
        event.commit();
    }

    /** Hybrid, auto: asked after each batch (at most every {@link #SWITCH_CHECK_NANOS}) whether the guest outruns the round. */
    private java.util.function.BooleanSupplier switchDuringRound(DirtyLog log, long roundStart, long[] handled) {
        PostcopySwitch rule = session.postcopySwitch;
        if (rule == null || !rule.isAuto()) return () -> false;
        long[] lastCheck = {roundStart};
        return () -> {
            long now = session.clock.monotonicNanos();
            if (now - lastCheck[0] < SWITCH_CHECK_NANOS) return false;
            lastCheck[0] = now;
            return rule.duringRound(now - roundStart, handled[0], log.countDirty());
        };
    }

    private static DirtyBitmap pagesAfter(DirtyBitmap pages, long last) {
        DirtyBitmap rest = new DirtyBitmap(pages.pageCount());
        for (long p = pages.nextSetPage(last + 1); p >= 0; p = pages.nextSetPage(p + 1)) rest.set(p);
        return rest;
    }

    private static void addAll(DirtyBitmap from, DirtyBitmap into) {
        for (long p = from.nextSetPage(0); p >= 0; p = from.nextSetPage(p + 1)) into.set(p);
    }

    private void awaitRoundAck(int round) throws Exception {
        RoundAck ack = Replies.expect(session.connection, RoundAck.class, session.options.replyTimeout(), "round " + round);
        if (ack.round() != round) {
            throw new MigrationException("protocol error: acknowledgement of round " + ack.round() + " during round " + round);
        }
    }
}
