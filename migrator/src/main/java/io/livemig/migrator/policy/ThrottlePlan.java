package io.livemig.migrator.policy;

import io.livemig.emulator.WorkingSetCurve;
import io.livemig.migrator.stats.StopReason;

import java.util.Locale;

/**
 * The planning half of {@code cpu-scheduling}: from the dirty bytes left, the link rate and the
 * guest's working-set curve, the largest CPU cap (the least throttling) with which pre-copy reaches
 * the downtime target, within the rounds the policy chose and before the stop rule's budget
 * (max-rounds, max-volume) ends it; or, when not even the floor cap gets there, the verdict
 * {@code infeasible} with the stop-and-copy the floor would leave.
 *
 * <p>The course of pre-copy at a fixed cap c, from V(0) = the dirty bytes left now:
 * <pre>
 *     round k sends V(k-1) in T(k) = V(k-1) / R, each vCPU gets c x T(k) of CPU in it, and
 *     V(k) = W(c x T(k)) x page size
 * </pre>
 * except that round 1 has a head start: the pages H dirtied again since the sync, before the new
 * cap applies (at the old cap; at full speed after round 0). It counts as the CPU time tau_H in
 * which the guest dirties H pages, so V(1) = max(H, W(tau_H + c x T(1))).
 * The target is reached at the first k with V(k) &lt;= V*; the budget ends at the first k that uses
 * the last round allowed, or after which the bytes sent reach the volume left. W is non-decreasing,
 * so a lower cap never reaches the target later: the largest cap that gets there is found by
 * bisection (on a log scale, caps span four decades). With the linear model W(tau) = D_full x tau,
 * V(k) = V(0) (D_full c / R)^k, which is the paper's formula.
 *
 * <p>Pure arithmetic on scripted figures: no clock, no scheduler.
 */
public final class ThrottlePlan {
    /** Plans look no further than this many rounds (the default budget allows 30). */
    static final int MAX_PLANNED_ROUNDS = 100;
    private static final int BISECTION_STEPS = 60;

    private ThrottlePlan() {}

    /**
     * Where pre-copy stands after a round.
     *
     * @param remainingBytes  V: dirty bytes left to send
     * @param linkBytesPerSec R: the link's rate
     * @param targetBytes     V*: dirty bytes the stop-and-copy may send (margin included)
     * @param curve           W(tau), in pages per vCPU CPU time
     * @param pageSize        bytes per page
     * @param floorPct        the lowest cap allowed
     * @param deadlineRounds  rounds the policy wants to reach the target in
     * @param roundsLeft      rounds the stop rule still allows
     * @param volumeLeftBytes bytes the stop rule still allows to be sent
     * @param headStartBytes  bytes of the next round already dirty before the cap applies
     * @param limitBytes      what the downtime limit itself allows (no margin): the verdict is
     *                        {@code infeasible} only when not even this is reached
     */
    public record Situation(double remainingBytes, double linkBytesPerSec, double targetBytes, WorkingSetCurve curve,
                            int pageSize, double floorPct, int deadlineRounds, int roundsLeft, double volumeLeftBytes,
                            double headStartBytes, double limitBytes) {
        public Situation {
            if (!(linkBytesPerSec > 0)) throw new IllegalArgumentException("link rate must be > 0");
            if (curve.isEmpty()) throw new IllegalArgumentException("no working-set curve");
            if (!(floorPct > 0 && floorPct <= 100)) throw new IllegalArgumentException("floor must be in (0, 100] %");
            if (deadlineRounds < 1) throw new IllegalArgumentException("deadline must be >= 1 round");
            if (headStartBytes < 0) throw new IllegalArgumentException("head start must be >= 0");
            if (limitBytes < targetBytes) throw new IllegalArgumentException("the limit cannot be below the target");
        }

        /** A situation whose target is the limit itself (no margin). */
        public Situation(double remainingBytes, double linkBytesPerSec, double targetBytes, WorkingSetCurve curve,
                         int pageSize, double floorPct, int deadlineRounds, int roundsLeft, double volumeLeftBytes,
                         double headStartBytes) {
            this(remainingBytes, linkBytesPerSec, targetBytes, curve, pageSize, floorPct, deadlineRounds, roundsLeft,
                    volumeLeftBytes, headStartBytes, targetBytes);
        }

        /** A situation without a head start. */
        public Situation(double remainingBytes, double linkBytesPerSec, double targetBytes, WorkingSetCurve curve,
                         int pageSize, double floorPct, int deadlineRounds, int roundsLeft, double volumeLeftBytes) {
            this(remainingBytes, linkBytesPerSec, targetBytes, curve, pageSize, floorPct, deadlineRounds, roundsLeft,
                    volumeLeftBytes, 0);
        }
    }

    /**
     * Pre-copy at one fixed cap: when it reached the target (-1: never), what was left at the end,
     * and what ended it: {@code CONVERGED} (the target reached), {@code MAX_ROUNDS} or
     * {@code MAX_VOLUME} (the stop rule's budget), or null (the rounds looked at ran out first).
     */
    record Course(int roundsToTarget, int roundsRun, double finalBytes, StopReason endedBy) {
        boolean reached() { return roundsToTarget > 0; }
    }

    /** The plan after round {@code round}; a cap of NaN means "no change" (the stop rule ends pre-copy now). */
    public static PlanVerdict decide(Situation s, int round) {
        double nowNanos = downtimeNanos(s, s.remainingBytes());
        if (s.remainingBytes() <= s.targetBytes()) {
            return new PlanVerdict(PlanVerdict.Outlook.FEASIBLE, round, 100, 0, nowNanos, "the dirty set fits the limit now");
        }
        if (s.roundsLeft() < 1 || s.volumeLeftBytes() <= 0) {
            return new PlanVerdict(PlanVerdict.Outlook.INFEASIBLE, round, Double.NaN, -1, nowNanos, String.format(Locale.ROOT,
                    "the stop rule's budget (%s) ends pre-copy now with %s dirty", s.roundsLeft() < 1 ? StopReason.MAX_ROUNDS : StopReason.MAX_VOLUME,
                    mib(s.remainingBytes())));
        }
        int horizon = Math.min(s.deadlineRounds(), s.roundsLeft());
        int whole = Math.min(s.roundsLeft(), MAX_PLANNED_ROUNDS);
        Course free = follow(s, 100, horizon);
        if (free.reached()) {
            return feasible(s, round, 100, free, "unthrottled pre-copy reaches the target");
        }
        if (follow(s, s.floorPct(), horizon).reached()) {
            double cap = largestCap(s, horizon);
            return feasible(s, round, cap, follow(s, cap, horizon), "the cap reaches the target within the chosen rounds");
        }
        if (whole > horizon && follow(s, s.floorPct(), whole).reached()) {
            double cap = largestCap(s, whole);
            return feasible(s, round, cap, follow(s, cap, whole), "the cap reaches the target after the chosen rounds, within the budget");
        }
        Course withinLimit = follow(s, s.floorPct(), whole, s.limitBytes());
        if (withinLimit.reached()) {
            return feasible(s, round, s.floorPct(), withinLimit, "only the floor cap meets the limit, without the margin");
        }
        Course atFloor = follow(s, s.floorPct(), whole);
        String end = atFloor.endedBy() == StopReason.MAX_ROUNDS || atFloor.endedBy() == StopReason.MAX_VOLUME
                ? "when " + atFloor.endedBy().json() + " ends pre-copy after " + atFloor.roundsRun() + " more rounds"
                : "after " + atFloor.roundsRun() + " rounds, and shrinks no further";
        return new PlanVerdict(PlanVerdict.Outlook.INFEASIBLE, round, s.floorPct(), -1, downtimeNanos(s, atFloor.finalBytes()),
                String.format(Locale.ROOT, "even at the %s %% floor, %s would still be dirty %s", pct(s.floorPct()),
                        mib(atFloor.finalBytes()), end));
    }

    /** Pre-copy at cap {@code capPct} for at most {@code rounds} rounds, aiming at the target. */
    static Course follow(Situation s, double capPct, int rounds) {
        return follow(s, capPct, rounds, s.targetBytes());
    }

    /** Pre-copy at cap {@code capPct} for at most {@code rounds} rounds, until V <= {@code goalBytes}. */
    static Course follow(Situation s, double capPct, int rounds, double goalBytes) {
        double headStartPages = s.headStartBytes() / s.pageSize();
        double headStartNanos = headStartPages > 0 ? Math.min(1e15, s.curve().cpuNanosFor(headStartPages)) : 0;
        double v = s.remainingBytes();
        double sent = 0;
        for (int k = 1; k <= rounds; k++) {
            double roundNanos = v / s.linkBytesPerSec() * 1e9;
            sent += v;
            if (k == 1) {
                v = Math.max(s.headStartBytes(), s.curve().pagesAt(headStartNanos + capPct / 100 * roundNanos) * s.pageSize());
            } else {
                v = s.curve().pagesAt(capPct / 100 * roundNanos) * s.pageSize();
            }
            if (v <= goalBytes) return new Course(k, k, v, StopReason.CONVERGED);
            if (k >= s.roundsLeft()) return new Course(-1, k, v, StopReason.MAX_ROUNDS);
            if (sent >= s.volumeLeftBytes()) return new Course(-1, k, v, StopReason.MAX_VOLUME);
        }
        return new Course(-1, rounds, v, null);
    }

    /** The largest cap in [floor, 100) that reaches the target within {@code rounds}; the floor must. */
    private static double largestCap(Situation s, int rounds) {
        double lo = Math.log(s.floorPct());
        double hi = Math.log(100);
        for (int i = 0; i < BISECTION_STEPS; i++) {
            double mid = (lo + hi) / 2;
            if (follow(s, Math.exp(mid), rounds).reached()) lo = mid; else hi = mid;
        }
        return Math.exp(lo);
    }

    private static PlanVerdict feasible(Situation s, int round, double cap, Course course, String how) {
        return new PlanVerdict(PlanVerdict.Outlook.FEASIBLE, round, cap, course.roundsToTarget(), downtimeNanos(s, course.finalBytes()),
                String.format(Locale.ROOT, "%s: cap %s %% for %d round(s) leaves %s", how, pct(cap), course.roundsToTarget(),
                        mib(course.finalBytes())));
    }

    private static double downtimeNanos(Situation s, double bytes) {
        return bytes / s.linkBytesPerSec() * 1e9;
    }

    private static String mib(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
    }

    private static String pct(double pct) {
        return new java.math.BigDecimal(pct).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

}
