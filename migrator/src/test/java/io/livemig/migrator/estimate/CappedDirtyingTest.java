package io.livemig.migrator.estimate;

import io.livemig.emulator.CpuScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.livemig.migrator.estimate.Scenarios.MIB;
import static io.livemig.migrator.estimate.Scenarios.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CappedDirtyingTest {
    private static final long PAGES = 256 * MIB / PAGE;
    /** A write-saturated guest: 20 000 000 pages per CPU second (its 256 MiB in 3.3 ms), 256 pages per step. */
    private static final GuestProfile GUEST = guest(256);

    private static GuestProfile guest(double pagesPerStep) {
        return new GuestProfile(256 * MIB, PAGE, 1, PAGES, 0, DirtyCurve.linear(20_000_000, PAGES), 1.0, 0, 8e9, pagesPerStep);
    }

    private static CpuScheduler boundedTo(long millis) {
        CpuScheduler scheduler = new CpuScheduler(1);
        scheduler.setMaxSleep(Duration.ofMillis(millis));
        return scheduler;
    }

    @Test
    void aCapWithLongBurstsLosesOnlyTheWakeUpsShareOfItsDutyCycle() {
        // 50 %: 10 ms periods, 5 ms bursts of which 4.85 ms dirty; a guest dirtying 2 000 000 pages a CPU second.
        GuestProfile slower = new GuestProfile(256 * MIB, PAGE, 1, PAGES, 0, DirtyCurve.linear(2_000_000, PAGES), 1.0, 0, 8e9, 256);
        assertThat(slower.pagesDirtiedIn(20e6, 50)).as("the duty cycle's W(cap x round)").isCloseTo(20_000, within(1.0));
        assertThat(CappedDirtying.pagesDirtiedIn(slower, boundedTo(300), 20e6, 50)).isCloseTo(2 * 9_700, within(1.0));
    }

    @Test
    void aCapAtTheShortestBurstLosesMostOfEachBurstToWakingUp() {
        // 0.5 %: 40 ms periods within a 300 ms bound, bursts of 200 us of which 50 us dirty: 1 000 pages a wake-up.
        assertThat(CappedDirtying.pagesDirtiedIn(GUEST, boundedTo(300), 100e6, 0.5)).isCloseTo(2.5 * 1_000, within(1.0));
        assertThat(GUEST.pagesDirtiedIn(100e6, 0.5)).as("the duty cycle's W(cap x round)").isCloseTo(10_000, within(1.0));
    }

    @Test
    void aPeriodJustInsideTheSleepBoundDirtiesAboutAsMuchAsOneJustOutsideIt() {
        double inside = CappedDirtying.pagesDirtiedIn(GUEST, boundedTo(300), 2e9, 0.068); // a 294 ms period
        double outside = CappedDirtying.pagesDirtiedIn(GUEST, boundedTo(300), 2e9, 0.066); // 303 ms, cut to 300
        assertThat(inside / outside).isCloseTo(1.0, within(0.1));
    }

    @Test
    void atTheFloorTheVcpuRunsOneStepPerBoundedSleep() {
        // 0.01 %: the period is 2 s, the bound 300 ms; each wake-up earns 30 us, less than waking costs.
        double pages = CappedDirtying.pagesDirtiedIn(GUEST, boundedTo(300), 8e9, 0.01);
        assertThat(pages).isCloseTo(8e9 / 300e6 * 256, within(1.0));
        assertThat(GUEST.pagesDirtiedIn(8e9, 0.01)).as("the duty cycle's W(cap x round)").isCloseTo(16_000, within(1.0));
    }

    @Test
    void aWakeUpThatEarnsMoreThanAStepRunsWhatItEarned() {
        // 0.1 % with a 190 ms bound (the period is 200 ms): 190 us earned, 40 us left after waking: 800 pages.
        assertThat(CappedDirtying.pagesDirtiedIn(GUEST, boundedTo(190), 1.9e9, 0.1)).isCloseTo(10 * 800, within(1.0));
        // 0.05 % with a 100 ms bound: 50 us earned, less than waking costs; the vCPU still runs one step.
        assertThat(CappedDirtying.pagesDirtiedIn(GUEST, boundedTo(100), 1e9, 0.05)).isCloseTo(10 * 256, within(1.0));
    }

    @Test
    void neverMoreThanTheDutyCycleWouldDirty() {
        GuestProfile bigSteps = guest(4096);
        assertThat(CappedDirtying.pagesDirtiedIn(bigSteps, boundedTo(300), 2e9, 0.02)).isEqualTo(bigSteps.pagesDirtiedIn(2e9, 0.02));
    }

    @Test
    void aGuestWhoseStepsWereNotMeasuredFollowsTheDutyCycle() {
        GuestProfile unmeasured = guest(0);
        assertThat(CappedDirtying.pagesDirtiedIn(unmeasured, boundedTo(300), 8e9, 0.01)).isEqualTo(unmeasured.pagesDirtiedIn(8e9, 0.01));
    }
}
