package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;

/**
 * {@code cpu-scheduling}: the scheme of Jin et al. (2011), lowering the vCPUs' CPU share just
 * enough that the dirty memory left reaches the downtime target at a chosen round.
 *
 * <p>After round i, with R the transfer rate, D the dirty rate at the current cap c and V(i) the
 * dirty bytes left, unthrottled pre-copy leaves about V(i+1) = V(i) D/R. The target is
 * V* = margin x downtime-limit x R. Dirty rate follows CPU share, so at cap c' it is D c'/c, and
 * the largest cap that reaches V* within n rounds satisfies V(i) (D c'/(c R))^n = V*:
 * <pre>
 *     c' = c x (R / D) x (V* / V(i))^(1/n),   clamped to [min-cap, 100 %]
 * </pre>
 * The policy throttles only when the unthrottled prediction V(i) (D_full/R)^n misses V*
 * (D_full = D x 100/c). Once it throttles it counts down to a fixed deadline round (n rounds after
 * it started), so the horizon shrinks and the target is reached rather than approached forever.
 * It recomputes every round (closed loop: the writable working set saturates, so D moves), and
 * keeps the current cap when a round measured nothing (R = 0).
 *
 * <p>Parameters: {@code convergence-rounds} n (default 3), {@code min-cap} (default 0.1 %),
 * margin (0.8: aim a little under the target so measurement noise does not miss it).
 */
public final class CpuSchedulingPolicy implements ConvergencePolicy {
    public static final String NAME = "cpu-scheduling";
    public static final int DEFAULT_CONVERGENCE_ROUNDS = 3;
    public static final double DEFAULT_MIN_CAP_PCT = CpuScheduler.MIN_CAP_PCT;
    public static final double TARGET_MARGIN = 0.8;

    private final int convergenceRounds;
    private final double minCapPct;
    private int deadlineRound = -1;

    public CpuSchedulingPolicy(int convergenceRounds, double minCapPct) {
        if (convergenceRounds < 1) throw new IllegalArgumentException("convergence rounds must be >= 1, got " + convergenceRounds);
        if (!(minCapPct >= CpuScheduler.MIN_CAP_PCT && minCapPct <= 100)) {
            throw new IllegalArgumentException("min cap must be 0.1..100 %, got " + minCapPct);
        }
        this.convergenceRounds = convergenceRounds;
        this.minCapPct = minCapPct;
    }

    public CpuSchedulingPolicy() {
        this(DEFAULT_CONVERGENCE_ROUNDS, DEFAULT_MIN_CAP_PCT);
    }

    @Override
    public String name() { return NAME; }

    @Override
    public void afterRound(RoundFigures round, CpuScheduler scheduler) {
        double cap = nextCapPct(round);
        if (!Double.isNaN(cap)) scheduler.setCapAll(cap);
    }

    /** The cap for the next round, or NaN to keep the current one. */
    double nextCapPct(RoundFigures round) {
        double r = round.transferRateBytesPerSec();
        double d = round.dirtyRateBytesPerSec();
        double c = round.capPct();
        double v = round.remainingDirtyBytes();
        double target = TARGET_MARGIN * round.targetBytes();
        if (r <= 0 || c <= 0) return Double.NaN;   // nothing measured: no basis for a change
        if (d <= 0 || v <= target) {
            deadlineRound = -1;
            return CpuScheduler.MAX_CAP_PCT;       // nothing dirtied, or the target is already met
        }
        double fullSpeedDirtyRate = d * CpuScheduler.MAX_CAP_PCT / c;
        if (v * Math.pow(fullSpeedDirtyRate / r, convergenceRounds) <= target) {
            deadlineRound = -1;
            return CpuScheduler.MAX_CAP_PCT;       // unthrottled pre-copy gets there by itself
        }
        if (deadlineRound < 0) deadlineRound = round.round() + convergenceRounds;
        int roundsLeft = Math.max(1, deadlineRound - round.round());
        double next = c * (r / d) * Math.pow(target / v, 1.0 / roundsLeft);
        return Math.max(minCapPct, Math.min(CpuScheduler.MAX_CAP_PCT, next));
    }
}
