package io.livemig.migrator.clock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The NTP-style estimate, on scripted timestamps: no network, no sleeping. */
class ClockOffsetEstimatorTest {
    private static final long HOUR_NANOS = 3_600_000_000_000L;
    private static final long HOUR_MICROS = 3_600_000_000L;

    /**
     * A scripted exchange: the source sends at {@code sent} (its clock), the probe takes
     * {@code outNanos} to arrive, the reply {@code backNanos} to return; the destination's clocks
     * run {@code offsetNanos} ahead (monotonic) and {@code wallOffsetMicros} ahead (wall).
     */
    private static ClockSample exchange(long sent, long outNanos, long backNanos, long offsetNanos, long wallOffsetMicros) {
        long sourceWallAtZero = 1_700_000_000_000_000L;
        long arrived = sent + outNanos;
        long received = arrived + backNanos;
        return new ClockSample(sent, sourceWallAtZero + sent / 1000,
                arrived + offsetNanos, sourceWallAtZero + arrived / 1000 + wallOffsetMicros,
                received, sourceWallAtZero + received / 1000);
    }

    @Test
    void aSymmetricPathGivesTheExactOffset() {
        ClockOffsetEstimator estimator = new ClockOffsetEstimator();
        estimator.add(exchange(1_000_000, 50_000, 50_000, HOUR_NANOS, HOUR_MICROS));
        ClockOffset offset = estimator.estimate();
        assertThat(offset.monotonicOffsetNanos()).isEqualTo(HOUR_NANOS);
        assertThat(offset.wallOffsetMicros()).isEqualTo(HOUR_MICROS);
        assertThat(offset.roundTripNanos()).isEqualTo(100_000);
        assertThat(offset.uncertaintyNanos()).isEqualTo(50_000);
    }

    @Test
    void theSampleWithTheSmallestRoundTripWins() {
        ClockOffsetEstimator estimator = new ClockOffsetEstimator();
        long offset = -HOUR_NANOS;
        estimator.add(exchange(0, 5_000_000, 200_000, offset, -HOUR_MICROS));      // queued on the way out
        estimator.add(exchange(10_000_000, 100_000, 4_000_000, offset, -HOUR_MICROS)); // queued on the way back
        estimator.add(exchange(20_000_000, 60_000, 40_000, offset, -HOUR_MICROS));   // the quiet one
        estimator.add(exchange(30_000_000, 900_000, 900_000, offset, -HOUR_MICROS));
        ClockOffset estimate = estimator.estimate();
        assertThat(estimate.roundTripNanos()).isEqualTo(100_000);
        assertThat(estimate.samples()).isEqualTo(4);
        // Asymmetric delays bias the midpoint by half their difference, never by more than half the round trip.
        assertThat(estimate.monotonicOffsetNanos()).isEqualTo(offset + 10_000);
        assertThat(Math.abs(estimate.monotonicOffsetNanos() - offset)).isLessThanOrEqualTo(estimate.uncertaintyNanos());
    }

    @Test
    void theWallClockTakesTheSampleWithItsOwnNarrowestInterval() {
        // The quiet monotonic exchange, but the source was held up 2 ms after reading its wall clock.
        ClockSample quick = exchange(0, 50_000, 50_000, -HOUR_NANOS, -HOUR_MICROS);
        ClockSample heldUp = new ClockSample(quick.sentNanos(), quick.sentWallMicros() - 2_000, quick.peerNanos(),
                quick.peerWallMicros(), quick.receivedNanos(), quick.receivedWallMicros());
        ClockOffsetEstimator estimator = new ClockOffsetEstimator();
        estimator.add(heldUp);
        estimator.add(exchange(10_000_000, 100_000, 100_000, -HOUR_NANOS, -HOUR_MICROS));
        ClockOffset estimate = estimator.estimate();

        assertThat(estimate.roundTripNanos()).isEqualTo(100_000);
        assertThat(estimate.wallOffsetMicros()).isEqualTo(-HOUR_MICROS); // not 1 ms off, as the held-up sample says
    }

    @Test
    void theErrorNeverExceedsHalfTheRoundTripWhateverTheAsymmetry() {
        ClockOffsetEstimator estimator = new ClockOffsetEstimator();
        estimator.add(exchange(0, 1, 999_999, 12_345, 0)); // all the delay on the way back
        ClockOffset estimate = estimator.estimate();
        assertThat(Math.abs(estimate.monotonicOffsetNanos() - 12_345)).isLessThanOrEqualTo(estimate.uncertaintyNanos());
        assertThat(estimate.uncertaintyNanos()).isEqualTo(500_000);
    }

    @Test
    void destinationReadingsConvertIntoTheSourceTimeBase() {
        ClockOffsetEstimator estimator = new ClockOffsetEstimator();
        estimator.add(exchange(1_000_000, 20_000, 20_000, HOUR_NANOS, HOUR_MICROS));
        ClockOffset offset = estimator.estimate();
        long sourcePause = 5_000_000_000L;
        long destinationResume = sourcePause + 42_000_000L + HOUR_NANOS; // resumed 42 ms later, on a clock an hour ahead
        assertThat(offset.toSourceNanos(destinationResume) - sourcePause).isEqualTo(42_000_000L);
        long sourceLastBeat = 1_700_000_000_000_000L;
        long destinationFirstBeat = sourceLastBeat + 45_000 + HOUR_MICROS;
        assertThat(offset.toSourceWallMicros(destinationFirstBeat) - sourceLastBeat).isEqualTo(45_000);
    }

    @Test
    void clocksNearTheEndsOfTheLongRangeDoNotOverflow() {
        long nearMax = Long.MAX_VALUE - 1_000_000;
        ClockSample sample = new ClockSample(nearMax, 0, Long.MIN_VALUE + 500, 0, nearMax + 100_000, 0);
        assertThat(sample.roundTripNanos()).isEqualTo(100_000);
        assertThat(sample.monotonicOffsetNanos()).isEqualTo(Long.MIN_VALUE + 500 - (nearMax + 50_000));
    }

    @Test
    void aReplyBeforeItsProbeIsRefused() {
        assertThatThrownBy(() -> new ClockSample(100, 0, 0, 0, 99, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noEstimateWithoutASample() {
        assertThatThrownBy(() -> new ClockOffsetEstimator().estimate()).isInstanceOf(IllegalStateException.class);
    }
}
