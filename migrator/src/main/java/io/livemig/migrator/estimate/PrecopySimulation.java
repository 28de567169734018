package io.livemig.migrator.estimate;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.WorkingSetCurve;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.StopRule;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.stats.StopReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pre-copy played out on paper: the rounds a migration of {@link GuestProfile} over
 * {@link LinkProfile} would send, with the source's own {@link StopRule} and the real
 * {@link ConvergencePolicy} deciding after each simulated round, on a scheduler of its own. So the
 * prediction follows whatever the policies and the stop rule do, and cannot drift from them.
 *
 * <p>A round sends V(k-1) pages in T(k) = wire bytes / R + one round trip (the RoundEnd/RoundAck),
 * less what a rate limit's bucket gathered since the last round ({@link LinkProfile#roundStartCreditBytes}),
 * where on a link the CPU paces, R grows as the caps leave the stream more of the cores, and
 * round 0, whose page path runs cold, gets only a share of it ({@link CopyLoad#firstRoundScale}),
 * and each round's rate moves by its {@link StreamPace} (a draw; none under a rate limit);
 * round 0 sends the non-zero pages (those that hold data by half-way through it) and also scans
 * the zero ones. The guest dirties
 * V(k) = W(s x c x T(k)) pages meanwhile (cap c in force, host share s; below the cap whose
 * bursts the sleep bound cuts short, one step or what a wake-up earns per bound: {@link CappedDirtying}),
 * or, under a dirty limit of
 * L pages per second per vCPU, at most vCPUs x (L' x T + L/10) pages (the vCPU sleeps once its quota
 * is spent: it ran only W^-1(that) of CPU), where L' = max(L, pages per step / longest limiter sleep):
 * the limiter sleeps a vCPU at most 50 ms, then lets it run a step. While pages flow, the host share s is what is left to the
 * vCPUs beside the page stream's own threads, with the cap in force ({@link CopyLoad#guestShare(double, int, double)}). Work lost: the CPU time the caps,
 * the limits and that competition took away, against the share the guest got before, and what the
 * setup's own load on the host took ({@link CopyLoad#setupGuestShare}).
 *
 * <p>The policy is given what the source gives it: the stop rule's budget before round 0, and with
 * each round's figures the working-set curve the emulator measures over the round (here, the
 * sampled curve up to the CPU time the round gave each vCPU) and the pages dirtied since the sync
 * while it decides; when it changes a throttle those pages join the next round, as the source
 * syncs again.
 *
 * <p>Pure arithmetic: no clock, no thread, no network.
 */
public final class PrecopySimulation {
    /** The first CPU time of the emulator's working-set ladder. */
    private static final double LADDER_FIRST_NANOS = 16_000;
    /**
     * From a round's sync to the policy's new throttle the guest runs at the old pace (measured here:
     * 0.8-9 ms, median 1.4 ms, after round 0, whose code runs cold; 0.3-0.6 ms after later rounds).
     * The policy is told those pages (its head start) and the source adds them to the next round.
     */
    private static final double FIRST_DECISION_GAP_NANOS = 1_400_000;
    private static final double DECISION_GAP_NANOS = 400_000;

    private final GuestProfile guest;
    private final LinkProfile link;
    private final Overheads overheads;
    private final MigrationOptions options;
    private final StreamPace pace;

    /** @param pace how each round's rate moves around the link's ({@link StreamPace#STEADY}: not at all) */
    public PrecopySimulation(GuestProfile guest, LinkProfile link, Overheads overheads, MigrationOptions options, StreamPace pace) {
        this.guest = guest;
        this.link = link;
        this.overheads = overheads;
        this.options = options;
        this.pace = pace;
    }

    /** The guest while pages flow with its vCPUs capped at {@code capPct}: they share the cores with the page stream. */
    private GuestProfile copyingAt(double capPct) {
        return guest.withCpuShare(link.copyLoad().guestShare(guest.cpuShare(), guest.vcpus(), capPct));
    }

    /**
     * W(tau) as the emulator's sampler would have measured it over a round in which each vCPU ran
     * {@code cpuNanos}: the guest's curve at a ladder of CPU times (16 us, then x sqrt 2) up to that.
     */
    WorkingSetCurve roundCurve(double cpuNanos) {
        if (cpuNanos < LADDER_FIRST_NANOS) return WorkingSetCurve.empty(guest.pageCount());
        java.util.List<long[]> points = new ArrayList<>();
        long previous = 0;
        for (double tau = LADDER_FIRST_NANOS; ; tau *= Math.sqrt(2)) {
            long t = (long) Math.min(tau, cpuNanos);
            if (!points.isEmpty() && t <= points.get(points.size() - 1)[0]) break;
            previous = Math.max(previous, Math.round(guest.dirtyCurve().pagesAt(t)));
            points.add(new long[]{t, Math.min(guest.pageCount(), previous)});
            if (tau >= cpuNanos) break;
        }
        return new WorkingSetCurve(points.stream().mapToLong(x -> x[0]).toArray(), points.stream().mapToLong(x -> x[1]).toArray(),
                guest.pageCount());
    }

    /**
     * The pages round 0 sends: those holding data when the scan reaches them. A guest still filling
     * its memory writes new pages during the round too, and a page written before the scan gets to
     * it goes out in round 0: on average, the pages that turned to data by half-way through the
     * round. (Round 0's length depends on them: a few passes settle it.)
     */
    double round0Pages() {
        double setup = overheads.setupNanos();
        double pages = guest.nonZeroPagesAfter(setup);
        for (int pass = 0; pass < 4; pass++) {
            pages = guest.nonZeroPagesAfter(setup + round0SendNanos(pages) / 2);
        }
        return pages;
    }

    private double round0SendNanos(double pages) {
        int pageSize = guest.pageSize();
        return link.firstRoundNanos(overheads.wireBytes(pages, pageSize), guest) / pace.roundFactor(0)
                + (guest.pageCount() - pages) * pageSize / guest.zeroScanBytesPerS() * 1e9;
    }

    /** Runs pre-copy under {@code policy} (a fresh one) until the stop rule, or {@code hybrid}, ends it. */
    public PrecopyCourse run(ConvergencePolicy policy, HybridSwitchModel hybrid) {
        CpuScheduler scheduler = new CpuScheduler(guest.vcpus());
        scheduler.setMaxSleep(options.downtimeLimit());
        StopRule stopRule = new StopRule(options, guest.memoryBytes());
        policy.start(stopRule.budget());
        int pageSize = guest.pageSize();
        List<PrecopyCourse.SimulatedRound> rounds = new ArrayList<>();
        double elapsed = overheads.setupNanos();
        double totalBytes = 0;
        double lost = link.copyLoad().setupWorkLostNanos(overheads.setupNanos(), guest);
        double maxThrottle = 0;
        double pages = round0Pages();
        for (int round = 0; ; round++) {
            double cap = scheduler.minCapPct();
            long limit = scheduler.dirtyLimit(0);
            maxThrottle = Math.max(maxThrottle, 100 - cap);
            double bytes = overheads.wireBytes(pages, pageSize);
            double sendNanos = round == 0 ? round0SendNanos(pages) : link.roundNanos(bytes, guest, cap) / pace.roundFactor(round);
            double roundNanos = sendNanos + link.roundTripNanos();

            GuestProfile copying = copyingAt(cap);
            if (hybrid.switchesDuringRound(copying, link, overheads, sendNanos, cap)) {
                // Cut short at the first check: the pages not sent yet and those dirtied meanwhile go by post-copy.
                double cutNanos = HybridSwitchModel.MIN_SAMPLE_NANOS + link.roundTripNanos();
                double rate = link.bytesPerS() * (round == 0 ? link.copyLoad().firstRoundScale() : 1) * pace.roundFactor(round);
                double sentPages = Math.min(pages, rate * HybridSwitchModel.MIN_SAMPLE_NANOS / 1e9
                        / (pageSize + overheads.pageEntryBytes()));
                double dirtied = copying.pagesDirtiedIn(cutNanos, cap);
                double left = Math.min(guest.pageCount(), pages - sentPages + dirtied * sentPages / Math.max(1, pages));
                double sentBytes = overheads.wireBytes(sentPages, pageSize);
                lost += cutNanos * (1 - copying.cpuShare() / guest.cpuShare() * cap / 100);
                rounds.add(new PrecopyCourse.SimulatedRound(round, sentPages, sentBytes, cutNanos, dirtied, cap, limit));
                return new PrecopyCourse(rounds, elapsed + cutNanos, totalBytes + sentBytes, lost, left, null,
                        hybrid.lastReason(), cap, maxThrottle);
            }

            double cpu = copying.cpuNanosIn(roundNanos, cap);
            double dirty = CappedDirtying.pagesDirtiedIn(copying, scheduler, roundNanos, cap);
            if (limit > 0) {
                // The limiter's sleeps are bounded: a guest whose steps dirty many pages keeps dirtying above the limit.
                double rate = guest.dirtyLimitedRate(limit, Math.min(CpuScheduler.MAX_DIRTY_LIMIT_SLEEP_NANOS, scheduler.maxSleepNanos()));
                double quota = guest.vcpus() * (rate * roundNanos / 1e9 + Math.max(1, limit / 10));
                if (dirty > quota) {
                    dirty = quota;
                    cpu = guest.dirtyCurve().cpuNanosFor(quota, cpu);
                }
            }
            double fullCpu = guest.cpuNanosIn(roundNanos, 100);
            lost += fullCpu <= 0 ? 0 : roundNanos * (1 - cpu / fullCpu);
            elapsed += roundNanos;
            totalBytes += bytes;
            long dirtyPages = Math.round(dirty);
            rounds.add(new PrecopyCourse.SimulatedRound(round, pages, bytes, roundNanos, dirtyPages, cap, limit));
            double gapCpu = copying.cpuNanosIn(round == 0 ? FIRST_DECISION_GAP_NANOS : DECISION_GAP_NANOS, cap);
            double gapPages = Math.max(0, guest.dirtyCurve().pagesAt(cpu + gapCpu) - guest.dirtyCurve().pagesAt(cpu));
            // As the source does: the policy also sees W(tau) as measured over the round (up to the CPU it got).
            RoundFigures figures = new RoundFigures(round, Math.round(pages), Math.round(bytes), Math.round(roundNanos),
                    dirtyPages, pageSize, cap, options.downtimeLimit().toNanos(), Math.round(totalBytes), Math.round(elapsed),
                    roundCurve(cpu), Math.round(Math.min(guest.pageCount(), guest.dirtyCurve().pagesAt(gapCpu))));
            policy.afterRound(figures, scheduler);
            Optional<StopReason> stop = stopRule.afterRound(figures);
            if (stop.isPresent()) {
                return new PrecopyCourse(rounds, elapsed, totalBytes, lost, dirtyPages, stop.get(), null, scheduler.minCapPct(),
                        maxThrottle);
            }
            if (hybrid.switchesAfterRound(figures)) {
                return new PrecopyCourse(rounds, elapsed, totalBytes, lost, dirtyPages, null, hybrid.lastReason(),
                        scheduler.minCapPct(), maxThrottle);
            }
            boolean throttleChanged = scheduler.minCapPct() != cap || scheduler.dirtyLimit(0) != limit;
            // A new throttle: the source syncs again, so what the gap dirtied joins the next round.
            pages = throttleChanged ? Math.min(guest.pageCount(), dirtyPages + gapPages) : dirtyPages;
        }
    }
}
