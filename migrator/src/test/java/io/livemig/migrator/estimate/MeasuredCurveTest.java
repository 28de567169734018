package io.livemig.migrator.estimate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MeasuredCurveTest {
    private final MeasuredCurve curve = new MeasuredCurve(new long[]{1_000_000, 4_000_000, 16_000_000}, new long[]{100, 300, 600}, 10_000);

    @Test
    void proportionalBelowTheFirstPointLinearBetweenPoints() {
        assertThat(curve.pagesAt(0)).isZero();
        assertThat(curve.pagesAt(500_000)).isCloseTo(50, within(1e-9));
        assertThat(curve.pagesAt(2_500_000)).isCloseTo(200, within(1e-9));
        assertThat(curve.pagesAt(16_000_000)).isCloseTo(600, within(1e-9));
    }

    @Test
    void aPowerLawGoesOnAsOneUpToTheLimit() {
        // W = 100 x (tau / 1 ms)^(1/2) exactly: 64 ms gives 800 pages, far on the limit.
        MeasuredCurve power = new MeasuredCurve(new long[]{1_000_000, 4_000_000, 16_000_000}, new long[]{100, 200, 400}, 10_000);
        assertThat(power.extrapolation()).startsWith("power law k=0.50");
        assertThat(power.pagesAt(64_000_000)).isCloseTo(800, within(1e-6));
        assertThat(power.pagesAt(1e15)).isEqualTo(10_000);
    }

    @Test
    void aLimitCapsTheExtrapolationButNeverWhatWasMeasured() {
        MeasuredCurve line = new MeasuredCurve(new long[]{1_000_000, 2_000_000, 4_000_000}, new long[]{100, 200, 400}, 10_000);

        assertThat(line.pagesAt(40_000_000)).isGreaterThan(1000);
        assertThat(line.withLimit(1000).pagesAt(40_000_000)).isEqualTo(1000);
        assertThat(line.withLimit(300).pagesAt(4_000_000)).isEqualTo(400);
        assertThat(line.withLimit(50_000).limitPages()).isEqualTo(10_000);
    }

    @Test
    void onARegionTheCurveGoesOnAsARandomWriterThroughTheLastPoint() {
        MeasuredCurve line = new MeasuredCurve(new long[]{1_000_000, 2_000_000, 4_000_000}, new long[]{100, 200, 400}, 10_000);
        MeasuredCurve onRegion = line.onRegion(1_000);

        assertThat(onRegion.pagesAt(2_000_000)).isEqualTo(200);
        assertThat(onRegion.pagesAt(4_000_000)).isCloseTo(400, within(1e-6));
        // W = 1000 (1 - exp(-tau / T)), T = 4 ms / ln(1000 / 600) = 7.83 ms: 8 ms gives 640 pages, never past 1000.
        assertThat(onRegion.pagesAt(8_000_000)).isCloseTo(640, within(1.0));
        assertThat(onRegion.pagesAt(1e12)).isCloseTo(1_000, within(1e-6));
        // A region read smaller than what was measured: the curve flattens at once, a page past its last point.
        assertThat(line.onRegion(300).pagesAt(40_000_000)).isCloseTo(401, within(1e-6));
        assertThat(line.onRegion(50_000).limitPages()).isEqualTo(10_000);
    }

    @Test
    void randomWritesOverAWorkingSetFlattenAtItsSize() {
        // 1000 pages written at random, 100 000 writes per CPU second: W = 1000 (1 - exp(-tau / 10 ms)).
        long[] tau = {1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000};
        long[] w = new long[tau.length];
        for (int i = 0; i < tau.length; i++) w[i] = Math.round(1000 * -Math.expm1(-tau[i] / 10e6));
        MeasuredCurve saturating = new MeasuredCurve(tau, w, 10_000);
        assertThat(saturating.extrapolation()).startsWith("saturating");
        assertThat(saturating.pagesAt(100_000_000)).isCloseTo(1000, within(10.0));
        assertThat(saturating.pagesAt(1e12)).isCloseTo(1000, within(10.0));
    }

    @Test
    void whereARandomWriterFlattensIsReadFromTheTailOfItsSample() {
        // Measured: memwrite:wss=64m,rate=128m (16 384 pages written at random) in a 128 MiB guest,
        // sampled for 0.74 s of CPU. Early on W grows as tau; fitted on every point, the curve went
        // on as a power law of k = 1.00, to 33 000 pages at 2 s. The working set is 16 384 pages.
        long[] tau = {250_000, 280_000, 367_000, 515_000, 747_000, 1_024_000, 1_456_000, 2_059_000, 2_910_000,
                4_172_000, 5_799_000, 8_208_000, 11_595_000, 16_396_000, 23_214_000, 32_818_000, 46_345_000,
                65_541_000, 92_696_000, 131_075_000, 185_494_000, 262_157_000, 370_736_000, 524_305_000, 739_550_000};
        long[] w = {3, 3, 5, 8, 12, 18, 28, 39, 51, 79, 115, 171, 258, 381, 570, 854, 1240, 1789, 2521, 3520, 4819,
                6408, 8343, 10436, 12477};
        MeasuredCurve measured = new MeasuredCurve(tau, w, 32_768);
        assertThat(measured.extrapolation()).startsWith("saturating");
        assertThat(measured.pagesAt(2e9)).isBetween(15_500.0, 18_000.0);
        assertThat(measured.pagesAt(1e11)).isBetween(16_384.0, 18_000.0);
    }

    @Test
    void theInverseFindsTheCpuTimeOfAGivenDirtySet() {
        assertThat(curve.cpuNanosFor(200, 1e12)).isCloseTo(2_500_000, within(2.0));
        assertThat(curve.cpuNanosFor(0, 1e12)).isZero();
    }

    @Test
    void pointsMustRise() {
        assertThatThrownBy(() -> new MeasuredCurve(new long[]{2, 1}, new long[]{1, 2}, 10)).hasMessageContaining("rise");
        assertThatThrownBy(() -> new MeasuredCurve(new long[]{1, 2}, new long[]{2, 1}, 10)).hasMessageContaining("rise");
    }
}
