package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;
import org.junit.jupiter.api.Test;

import static io.livemig.migrator.policy.Rounds.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuSchedulingPolicyTest {
    private final CpuScheduler scheduler = new CpuScheduler(2);
    private final CpuSchedulingPolicy policy = new CpuSchedulingPolicy(3, 0.1);

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
    void nothingDirtiedLiftsTheCap() {
        scheduler.setCapAll(30);
        policy.afterRound(round(3, 64, 0, 30, 1000, 3000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(100.0);
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
    void targetAlreadyMetLiftsTheCap() {
        scheduler.setCapAll(5);
        policy.afterRound(round(4, 64, 1, 5, 10, 4000, 50), scheduler);
        assertThat(scheduler.capPct(0)).isEqualTo(100.0);
    }

    @Test
    void finishLiftsEveryCap() {
        policy.afterRound(round(1, 64, 128, 100, 1000, 1000, 50), scheduler);
        assertThat(scheduler.isThrottled()).isTrue();
        policy.finish(scheduler);
        assertThat(scheduler.isThrottled()).isFalse();
    }
}
