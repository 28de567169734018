package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;
import org.junit.jupiter.api.Test;

import static io.livemig.migrator.policy.Rounds.round;
import static org.assertj.core.api.Assertions.assertThat;

class AutoConvergePolicyTest {
    private final CpuScheduler scheduler = new CpuScheduler(1);

    @Test
    void raisesTheThrottleOnEverySecondHighPeriod() {
        AutoConvergePolicy policy = new AutoConvergePolicy();
        // Dirtying at twice the send rate: every 1 s period is "high".
        policy.afterRound(round(1, 64, 128, 100, 1000, 1000, 50), scheduler);
        assertThat(policy.throttlePct()).isZero();
        policy.afterRound(round(2, 64, 128, 100, 1000, 2000, 50), scheduler);
        assertThat(policy.throttlePct()).isEqualTo(20);
        assertThat(scheduler.capPct(0)).isEqualTo(80.0);
        assertThat(scheduler.periodNanos()).isEqualTo(12_500_000L); // runs 10 ms, sleeps 2.5 ms

        policy.afterRound(round(3, 64, 128, 80, 1000, 3000, 50), scheduler);
        policy.afterRound(round(4, 64, 128, 80, 1000, 4000, 50), scheduler);
        assertThat(policy.throttlePct()).isEqualTo(30);
        assertThat(scheduler.capPct(0)).isEqualTo(70.0);
    }

    @Test
    void shortRoundsAccumulateIntoOneSecondPeriods() {
        AutoConvergePolicy policy = new AutoConvergePolicy();
        for (int i = 1; i <= 19; i++) policy.afterRound(round(i, 64, 128, 100, 100, 100L * i, 50), scheduler);
        assertThat(policy.throttlePct()).isZero();
        policy.afterRound(round(20, 64, 128, 100, 100, 2000, 50), scheduler);
        assertThat(policy.throttlePct()).isEqualTo(20);
    }

    @Test
    void lowDirtyingNeverThrottles() {
        AutoConvergePolicy policy = new AutoConvergePolicy();
        for (int i = 1; i <= 10; i++) policy.afterRound(round(i, 64, 16, 100, 1000, 1000L * i, 50), scheduler);
        assertThat(policy.throttlePct()).isZero();
        assertThat(scheduler.isThrottled()).isFalse();
    }

    @Test
    void theThrottleStopsAtTheMaximum() {
        AutoConvergePolicy policy = new AutoConvergePolicy(50, 20, 10, 50, false);
        for (int i = 1; i <= 40; i++) policy.afterRound(round(i, 64, 1000, 100, 1000, 1000L * i, 50), scheduler);
        assertThat(policy.throttlePct()).isEqualTo(50);
    }

    @Test
    void tailSlowStepsOnlyAsFarAsTheExcessAsks() {
        AutoConvergePolicy policy = new AutoConvergePolicy(50, 20, 10, 99, true);
        // dirtied 40 MiB vs threshold 32 MiB: ideal cpu = 80 x 32/40 = 64 -> +10 capped; then milder excess.
        for (int i = 1; i <= 4; i++) policy.afterRound(round(i, 64, 40, 100, 1000, 1000L * i, 50), scheduler);
        assertThat(policy.throttlePct()).isEqualTo(30);
        AutoConvergePolicy gentle = new AutoConvergePolicy(50, 20, 10, 99, true);
        for (int i = 1; i <= 4; i++) gentle.afterRound(round(i, 64, 33, 100, 1000, 1000L * i, 50), scheduler);
        assertThat(gentle.throttlePct()).isBetween(20.0, 23.0);
    }

    @Test
    void finishRestoresFullSpeedAndThePeriod() {
        AutoConvergePolicy policy = new AutoConvergePolicy();
        for (int i = 1; i <= 2; i++) policy.afterRound(round(i, 64, 128, 100, 1000, 1000L * i, 50), scheduler);
        policy.finish(scheduler);
        assertThat(scheduler.isThrottled()).isFalse();
        assertThat(scheduler.periodNanos()).isEqualTo(CpuScheduler.DEFAULT_PERIOD.toNanos());
    }
}
