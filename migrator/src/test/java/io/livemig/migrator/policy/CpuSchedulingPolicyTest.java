package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;
import org.junit.jupiter.api.Test;

import static io.livemig.migrator.policy.Rounds.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuSchedulingPolicyTest {
    private final CpuScheduler scheduler = new CpuScheduler(2);
    /** The paper's model, as these first cases script it: dirty rates, no working-set curve. */
    private final CpuSchedulingPolicy policy = new CpuSchedulingPolicy(3, 0.1, CpuModel.LINEAR);

    @Test
    void doesNotThrottleWhenUnthrottledPreCopyMeetsTheTargetInTime() {
        // D/R = 0.25: 1 s of rounds leaves 64 MiB -> 16 -> 4 -> 1 MiB, under 50 ms x 64 MiB/s x 0.8 = 2.56 MiB.
        policy.afterRound(round(1, 64, 16, 100, 1000, 1000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(100.0);
    }

    @Test
    void throttlesJustEnoughToReachTheTargetWithinTheChosenRounds() {
        // D = 2R: without help the dirty set grows. V(i) = 128 MiB, V* = 0.8 x 50 ms x 64 MiB/s.
        RoundFigures r = round(1, 64, 128, 100, 1000, 1000, 50);
        double expected = 100 * (64.0 / 128) * Math.pow(0.8 * 0.05 * 64 / 128, 1.0 / 3);
        policy.afterRound(r, scheduler);
        assertThat(scheduler.capPct(0)).isCloseTo(expected, within(0.01));
        assertThat(scheduler.capPct(1)).isEqualTo(scheduler.capPct(0));

        // The predicted dirty set at that cap after 3 rounds is the target.
        double v = r.remainingDirtyBytes();
        double perRound = r.dirtyRateBytesPerSec() * (expected / 100) / r.transferRateBytesPerSec();
        assertThat(v * Math.pow(perRound, 3)).isCloseTo(0.8 * r.targetBytes(), within(1.0));
    }

    @Test
    void aGuestThatBehavesAsModelledKeepsItsCap() {
        policy.afterRound(round(1, 64, 128, 100, 1000, 1000, 50), scheduler);
        double cap = scheduler.capPct(0);
        // Round 2 sends V(1) = 128 MiB at 64 MiB/s (2 s) while dirtying at the capped rate.
        policy.afterRound(round(2, 64, 128 * cap / 100, cap, 2000, 3000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isCloseTo(cap, within(0.01));
    }

    @Test
    void aDirtySetLargerThanPredictedLowersTheCapFurther() {
        policy.afterRound(round(1, 64, 128, 100, 1000, 1000, 50), scheduler);
        double cap = scheduler.capPct(0);
        policy.afterRound(round(2, 64, 2 * 128 * cap / 100, cap, 2000, 3000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isLessThan(cap);
    }

    @Test
    void farTooMuchDirtyingHitsTheMinimumCap() {
        policy.afterRound(round(1, 1, 10_000, 100, 1000, 1000, 1), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(0.1);
    }

    @Test
    void nothingDirtiedKeepsTheCapUntilThePause() {
        // The stop-and-copy comes next; lifted now, the guest would dirty pages again before the pause.
        scheduler.setCapAll(30);
        policy.afterRound(round(3, 64, 0, 30, 1000, 3000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(30.0);
    }

    @Test
    void nothingMeasuredKeepsTheCurrentCap() {
        scheduler.setCapAll(30);
        policy.afterRound(new RoundFigures(3, 0, 0, 0, 100, 4096, 30, 50_000_000, 0, 1), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(30.0);
        policy.afterRound(round(3, 0, 64, 30, 1000, 3000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(30.0);
    }

    @Test
    void targetAlreadyMetKeepsTheCapUntilThePause() {
        scheduler.setCapAll(5);
        policy.afterRound(round(4, 64, 1, 5, 10, 4000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(5.0);
        assertThat(policy.verdict().outlook()).isEqualTo(PlanVerdict.Outlook.FEASIBLE);
        assertThat(policy.verdict().roundsToTarget()).isZero();
    }

    @Test
    void finishLiftsEveryCap() {
        policy.afterRound(round(1, 64, 128, 100, 1000, 1000, 50), scheduler);
        assertThat(scheduler.isThrottled()).isTrue();
        policy.finish(scheduler);
        assertThat(scheduler.isThrottled()).isFalse();
    }

    // --- the working-set model (issue 10's guest: 256 MiB, memwrite over 254 MiB flat out) ---

    private static final StopBudget XEN = new StopBudget(30, 3 * 256.0 * Curves.MIB);

    /** Round 0 of the saturated guest: 256 MiB sent at {@code linkMib} MiB/s at full speed; all 254 MiB dirty again. */
    private static RoundFigures saturatedRound0(double linkMib) {
        long sent = 256 * Curves.MIB;
        long nanos = (long) (256 / linkMib * 1e9);
        return new RoundFigures(0, sent / Curves.PAGE, sent, nanos, 254 * Curves.MIB / Curves.PAGE, Curves.PAGE, 100,
                300_000_000L, sent, nanos, Curves.saturated(25, 254), 0);
    }

    @Test
    void theWorkingSetModelThrottlesASaturatedGuestToWhatItsCurveAllows() {
        CpuSchedulingPolicy ws = new CpuSchedulingPolicy(3, 0.01, CpuModel.WORKING_SET);
        ws.start(XEN);
        RoundFigures r0 = saturatedRound0(128);
        ws.afterRound(r0, scheduler);

        double r = r0.transferRateBytesPerSec();
        ThrottlePlan.Situation same = new ThrottlePlan.Situation(r0.remainingDirtyBytes(), r, 0.8 * r0.targetBytes(),
                r0.workingSet(), Curves.PAGE, 0.01, 3, 29, XEN.volumeLeftAfter(r0.totalBytesSent()));
        assertThat(scheduler.capPct(0)).isCloseTo(ThrottlePlan.decide(same, 0).capPct(), within(0.0001)).isLessThan(0.1);
        assertThat(ws.verdict().outlook()).isEqualTo(PlanVerdict.Outlook.FEASIBLE);
        assertThat(ws.verdict().roundsToTarget()).isBetween(1, 3);
    }

    @Test
    void theLinearModelIgnoresTheMeasuredCurve() {
        CpuSchedulingPolicy linear = new CpuSchedulingPolicy(3, 0.01, CpuModel.LINEAR);
        linear.start(XEN);
        linear.afterRound(saturatedRound0(128), scheduler);
        // D = R at full speed: one round at c' leaves 254 MiB x c'/100; the paper's cap is a few %.
        assertThat(scheduler.capPct(0)).isGreaterThan(1);
    }

    @Test
    void infeasibleIsSaidAfterTheFirstRoundWithThePredictedDowntime() {
        // With a 0.1 % floor each 8 s round on a 32 MiB/s link still gives the guest 8 ms of CPU:
        // its whole working set, every round.
        CpuSchedulingPolicy ws = new CpuSchedulingPolicy(3, 0.1, CpuModel.WORKING_SET);
        ws.start(XEN);
        assertThat(ws.verdict()).isEqualTo(PlanVerdict.UNKNOWN);
        ws.afterRound(saturatedRound0(32), scheduler);

        assertThat(ws.verdict().infeasible()).isTrue();
        assertThat(ws.verdict().round()).isZero();
        assertThat(ws.verdict().predictedDowntimeNanos() / 1e9).isCloseTo(254.0 / 32, within(0.01));
        assertThat(ws.verdict().reason()).contains("max-volume");
        assertThat(scheduler.capPct(0)).isEqualTo(0.1);
    }

    @Test
    void thePlanKeepsWithinTheBudgetTheSourceGives() {
        CpuSchedulingPolicy unlimited = new CpuSchedulingPolicy(3, 0.01, CpuModel.WORKING_SET);
        unlimited.afterRound(saturatedRound0(128), scheduler);
        double free = scheduler.capPct(0);

        CpuSchedulingPolicy tight = new CpuSchedulingPolicy(3, 0.01, CpuModel.WORKING_SET);
        tight.start(new StopBudget(2, 3 * 256.0 * Curves.MIB));
        tight.afterRound(saturatedRound0(128), scheduler);
        assertThat(tight.verdict().roundsToTarget()).isEqualTo(1);
        assertThat(scheduler.capPct(0)).isLessThan(free);
    }
}
