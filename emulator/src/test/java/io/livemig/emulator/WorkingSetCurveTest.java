package io.livemig.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WorkingSetCurveTest {
    /** 1000 pages per ms of CPU up to 2 ms, then flat at the 2000-page working set. */
    private static final WorkingSetCurve SATURATED = new WorkingSetCurve(
            new long[]{1_000_000, 2_000_000, 4_000_000, 8_000_000}, new long[]{1000, 2000, 2000, 2000}, 1 << 20);

    @Test
    void betweenPointsItIsLinearAndBelowTheFirstProportional() {
        assertThat(SATURATED.pagesAt(500_000)).isCloseTo(500, within(1e-9));
        assertThat(SATURATED.pagesAt(1_500_000)).isCloseTo(1500, within(1e-9));
        assertThat(SATURATED.pagesAt(3_000_000)).isCloseTo(2000, within(1e-9));
        assertThat(SATURATED.pagesAt(0)).isZero();
    }

    @Test
    void pastTheLastPointItFollowsTheLastSlope() {
        assertThat(SATURATED.pagesAt(1e9)).as("flat stays flat").isCloseTo(2000, within(1e-9));
        WorkingSetCurve rising = new WorkingSetCurve(new long[]{1_000_000, 4_000_000}, new long[]{100, 200}, 1 << 20);
        assertThat(rising.pagesAt(16_000_000)).as("W ~ sqrt(tau)").isCloseTo(400, within(1e-6));
        WorkingSetCurve small = new WorkingSetCurve(new long[]{1_000_000}, new long[]{100}, 150);
        assertThat(small.pagesAt(1e9)).as("never above the guest").isEqualTo(150);
    }

    @Test
    void theInverseGivesTheLongestCpuTimeWithinATarget() {
        assertThat(SATURATED.cpuNanosFor(500)).isCloseTo(500_000, within(2.0));
        assertThat(SATURATED.cpuNanosFor(1999)).isCloseTo(1_999_000, within(2.0));
        assertThat(SATURATED.cpuNanosFor(2000)).as("the whole working set fits: any length").isInfinite();
    }

    @Test
    void theLinearModelIsAStraightLine() {
        WorkingSetCurve linear = WorkingSetCurve.linear(1e6, 1L << 40);
        assertThat(linear.pagesAt(1e6)).isCloseTo(1000, within(1e-6));
        assertThat(linear.pagesAt(5e9)).isCloseTo(5e6, within(1e-3));
        assertThat(WorkingSetCurve.linear(0, 100).isEmpty()).isTrue();
    }

    @Test
    void theEnvelopeOfTwoCurvesTakesTheHigherWhereEachWasMeasured() {
        // A throttled round: 2 ms of CPU per vCPU, fewer pages per nanosecond than the free round.
        WorkingSetCurve throttled = new WorkingSetCurve(new long[]{100_000, 200_000}, new long[]{50, 90}, 1 << 20);
        WorkingSetCurve both = throttled.max(SATURATED);
        assertThat(both.pagesAt(150_000)).isCloseTo(150, within(1e-9));
        assertThat(both.pagesAt(4_000_000)).isCloseTo(2000, within(1e-9));
        WorkingSetCurve bigger = new WorkingSetCurve(new long[]{100_000, 200_000}, new long[]{500, 900}, 1 << 20);
        WorkingSetCurve envelope = bigger.max(SATURATED);
        assertThat(envelope.pagesAt(200_000)).isCloseTo(900, within(1e-9));
        assertThat(envelope.pagesAt(1_000_000)).as("W never falls").isCloseTo(1000, within(1e-9));
        assertThat(envelope.pagesAt(300_000)).isGreaterThanOrEqualTo(900);
        assertThat(SATURATED.max(WorkingSetCurve.empty(10))).isEqualTo(SATURATED);
    }

    @Test
    void pointsMustRise() {
        assertThatThrownBy(() -> new WorkingSetCurve(new long[]{2, 1}, new long[]{1, 2}, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkingSetCurve(new long[]{1, 2}, new long[]{2, 1}, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
