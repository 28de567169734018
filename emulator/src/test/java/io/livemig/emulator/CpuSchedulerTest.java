package io.livemig.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CpuSchedulerTest {
    @Test
    void capsGoDownToOneHundredthOfAPercent() {
        CpuScheduler scheduler = new CpuScheduler(1);
        scheduler.setCapAll(0.01);
        assertThat(scheduler.capPct(0)).isEqualTo(0.01);
        scheduler.setCapAll(0.001);
        assertThat(scheduler.capPct(0)).as("clamped to the floor").isEqualTo(0.01);
    }

    @Test
    void lowCapsRunOnLongerPeriodsSoABurstOutlastsAWakeUp() {
        CpuScheduler scheduler = new CpuScheduler(1);
        assertThat(scheduler.effectivePeriodNanos(100_000)).as("10 %: the configured 10 ms").isEqualTo(10_000_000);
        assertThat(scheduler.effectivePeriodNanos(1_000)).as("0.1 %").isEqualTo(200_000_000);
        assertThat(scheduler.effectivePeriodNanos(100)).as("0.01 %").isEqualTo(2_000_000_000);
        assertThat(scheduler.effectivePeriodNanos(100) * 100 / 1_000_000).isEqualTo(CpuScheduler.MIN_BURST_NANOS);
    }

    @Test
    void theSleepBoundIsASettingThatUnthrottleLifts() {
        CpuScheduler scheduler = new CpuScheduler(2);
        assertThat(scheduler.maxSleepNanos()).isEqualTo(CpuScheduler.LONGEST_SLEEP_NANOS);
        scheduler.setMaxSleep(Duration.ofMillis(300));
        assertThat(scheduler.maxSleepNanos()).isEqualTo(300_000_000);
        assertThatThrownBy(() -> scheduler.setMaxSleep(Duration.ofMillis(0))).isInstanceOf(IllegalArgumentException.class);
        scheduler.unthrottle();
        assertThat(scheduler.maxSleepNanos()).isEqualTo(CpuScheduler.LONGEST_SLEEP_NANOS);
    }

    @Test
    void theLongestSleepIsTheMaximumOverVcpusUntilReset() {
        CpuScheduler scheduler = new CpuScheduler(2);
        scheduler.recordSleep(0, 5);
        scheduler.recordSleep(1, 9);
        scheduler.recordSleep(0, 7);
        assertThat(scheduler.longestSleepNanos()).isEqualTo(9);
        scheduler.resetLongestSleep();
        assertThat(scheduler.longestSleepNanos()).isZero();
        assertThat(scheduler.sleepsOf(0)).as("the count is not reset").isEqualTo(2);
        assertThat(scheduler.sleepsOf(1)).isEqualTo(1);
    }

    @Test
    void aChangedSettingWakesASleepingVcpu() throws Exception {
        // At 0.01 % the vCPU runs its 200 us burst and then sleeps about 2 s; lifting the cap must
        // not wait for that sleep to end.
        try (VirtualMachine vm = VirtualMachine.boot("lift", new GuestConfig(4L << 20, 1), new CountingProgram(64))) {
            vm.scheduler().setCapAll(0.01);
            vm.start();
            Thread.sleep(300);
            long ops = vm.totalOps();
            long liftedAt = System.nanoTime();
            vm.scheduler().setCapAll(100);
            while (vm.totalOps() < ops + 16_000) Thread.sleep(1);
            assertThat(System.nanoTime() - liftedAt).isLessThan(1_500_000_000L);
        }
    }

    @Test
    void settingTheSameValueAgainIsNoChange() {
        CpuScheduler scheduler = new CpuScheduler(2);
        int[] wakes = new int[1];
        scheduler.onChange(() -> wakes[0]++);
        scheduler.setCapAll(50);
        scheduler.setCapAll(50);
        scheduler.setCap(1, 50);
        scheduler.setMaxSleep(Duration.ofMillis(300));
        scheduler.setMaxSleep(Duration.ofMillis(300));
        assertThat(wakes[0]).isEqualTo(2);
    }

    @Test
    void aBoundedSleepKeepsTheGuestStepping() throws Exception {
        // At 0.01 % a vCPU would sleep about 2 s between bursts; bounded to 10 ms it runs a step
        // after every sleep. Loose on purpose: scheduling on a busy machine can oversleep a little.
        try (VirtualMachine vm = VirtualMachine.boot("bound", new GuestConfig(4L << 20, 1), new CountingProgram(64))) {
            vm.scheduler().setCapAll(0.01);
            vm.scheduler().setMaxSleep(Duration.ofMillis(10));
            vm.start();
            Thread.sleep(100);
            vm.scheduler().resetLongestSleep();
            long ops = vm.totalOps();
            Thread.sleep(500);
            assertThat(vm.totalOps()).as("steps between bounded sleeps").isGreaterThan(ops + 16 * 5);
            assertThat(vm.scheduler().longestSleepNanos()).isPositive().isLessThan(400_000_000L);
        }
    }
}
