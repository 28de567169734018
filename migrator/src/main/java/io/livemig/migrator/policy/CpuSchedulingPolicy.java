package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.WorkingSetCurve;

/**
 * {@code cpu-scheduling}: the scheme of Jin et al. (2011), lowering the vCPUs' CPU share just
 * enough that the dirty memory left reaches the downtime target at a chosen round.
 *
 * <p>After round i, with R the transfer rate and V(i) the dirty bytes left, the target is
 * V* = margin x downtime-limit x R. Which bytes a cap c leaves after the next round depends on the
 * {@link CpuModel}: the paper's linear model (dirty rate proportional to CPU share:
 * V(i+1) = V(i) x D_full x c / R, whence the closed form
 * c' = c x (R / D) x (V* / V(i))^(1/n) after n rounds), or the measured working-set curve
 * (V(i+1) = W(c x V(i)/R)). {@link ThrottlePlan} finds the largest cap that reaches V* within n
 * rounds, or, failing that, within the rounds and bytes the stop rule still allows; when not even
 * {@code min-cap} does, the verdict is {@code infeasible} (with the stop-and-copy the floor would
 * leave) and the cap stays at the floor, which leaves the smallest dirty set the budget allows.
 *
 * <p>Once it throttles it counts down to a fixed deadline round (n rounds after it started), so the
 * horizon shrinks and the target is reached rather than approached forever. It recomputes every
 * round (closed loop), and keeps the current cap when a round measured nothing (R = 0).
 *
 * <p>Parameters: {@code convergence-rounds} n (default 3), {@code min-cap} (default 0.01 %), the
 * CPU model, margin (0.8: aim a little under the target so measurement noise does not miss it).
 */
public final class CpuSchedulingPolicy implements ConvergencePolicy {
    public static final String NAME = "cpu-scheduling";
    public static final int DEFAULT_CONVERGENCE_ROUNDS = 3;
    public static final double DEFAULT_MIN_CAP_PCT = CpuScheduler.MIN_CAP_PCT;
    public static final CpuModel DEFAULT_CPU_MODEL = CpuModel.WORKING_SET;
    public static final double TARGET_MARGIN = 0.8;

    private final int convergenceRounds;
    private final double minCapPct;
    private final CpuModel cpuModel;
    private final DirtyModel dirty;
    private StopBudget budget = StopBudget.UNLIMITED;
    private int deadlineRound = -1;
    private volatile PlanVerdict verdict = PlanVerdict.UNKNOWN;

    public CpuSchedulingPolicy(int convergenceRounds, double minCapPct, CpuModel cpuModel) {
        if (convergenceRounds < 1) throw new IllegalArgumentException("convergence rounds must be >= 1, got " + convergenceRounds);
        if (!(minCapPct >= CpuScheduler.MIN_CAP_PCT && minCapPct <= 100)) {
            throw new IllegalArgumentException("min cap must be " + CpuScheduler.MIN_CAP_PCT + "..100 %, got " + minCapPct);
        }
        this.convergenceRounds = convergenceRounds;
        this.minCapPct = minCapPct;
        this.cpuModel = cpuModel;
        this.dirty = DirtyModel.of(cpuModel);
    }

    public CpuSchedulingPolicy(int convergenceRounds, double minCapPct) {
        this(convergenceRounds, minCapPct, DEFAULT_CPU_MODEL);
    }

    public CpuSchedulingPolicy() {
        this(DEFAULT_CONVERGENCE_ROUNDS, DEFAULT_MIN_CAP_PCT, DEFAULT_CPU_MODEL);
    }

    @Override
    public String name() { return NAME; }

    public CpuModel cpuModel() { return cpuModel; }

    @Override
    public void start(StopBudget budget) {
        this.budget = budget;
    }

    @Override
    public PlanVerdict verdict() { return verdict; }

    @Override
    public void afterRound(RoundFigures round, CpuScheduler scheduler) {
        double cap = nextCapPct(round);
        if (!Double.isNaN(cap)) scheduler.setCapAll(cap);
    }

    /** The cap for the next round, or NaN to keep the current one. */
    double nextCapPct(RoundFigures round) {
        double r = round.transferRateBytesPerSec();
        double c = round.capPct();
        if (r <= 0 || c <= 0) return Double.NaN;   // nothing measured: no basis for a change
        dirty.observe(round);
        WorkingSetCurve w = dirty.curve();
        double v = round.remainingDirtyBytes();
        double target = TARGET_MARGIN * round.targetBytes();
        if (round.dirtyPages() == 0 || w.isEmpty() || v <= target) {
            // Nothing dirtied, or the target is met: the stop-and-copy comes next. Keep the cap until the
            // pause: lifted now, a saturated guest would dirty its whole working set again before it.
            deadlineRound = -1;
            verdict = new PlanVerdict(PlanVerdict.Outlook.FEASIBLE, round.round(), c, 0, v / r * 1e9,
                    "the dirty set fits the limit now");
            return Double.NaN;
        }
        int deadlineRounds = deadlineRound < 0 ? convergenceRounds : Math.max(1, deadlineRound - round.round());
        ThrottlePlan.Situation situation = new ThrottlePlan.Situation(v, r, target, w, round.pageSize(), minCapPct,
                deadlineRounds, budget.roundsLeftAfter(round.round()), budget.volumeLeftAfter(round.totalBytesSent()),
                (double) round.dirtyPagesSinceSync() * round.pageSize(), round.targetBytes());
        PlanVerdict plan = ThrottlePlan.decide(situation, round.round());
        verdict = plan;
        if (Double.isNaN(plan.capPct())) return Double.NaN;
        if (plan.capPct() >= CpuScheduler.MAX_CAP_PCT) {
            deadlineRound = -1;                    // unthrottled pre-copy gets there by itself
        } else if (deadlineRound < 0) {
            deadlineRound = round.round() + convergenceRounds;
        }
        return Math.max(minCapPct, Math.min(CpuScheduler.MAX_CAP_PCT, plan.capPct()));
    }
}
