package io.livemig.migrator.estimate;

import org.junit.jupiter.api.Test;

import static io.livemig.migrator.estimate.Scenarios.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LinkProfileTest {

    @Test
    void aRateLimitsBucketRefillsOverTheRoundTripAndTheGapBetweenRoundsButNeverAboveItsSize() {
        // 32 MiB/s with a 1 ms round trip: 3.5 ms of the rate gathered, 112 KiB, within a 327 KiB bucket.
        LinkProfile limited = new LinkProfile(32 * MIB, 1_000_000, "--bandwidth", CopyLoad.NONE, 327 * 1024);
        assertThat(limited.roundStartCreditBytes()).isCloseTo(32 * MIB * 0.0035, within(1.0));

        LinkProfile smallBucket = new LinkProfile(32 * MIB, 1_000_000, "--bandwidth", CopyLoad.NONE, 64 * 1024);
        assertThat(smallBucket.roundStartCreditBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void aLinkNoLimitPacesStartsNoRoundAhead() {
        assertThat(new LinkProfile(600 * MIB, 1_000_000, "probe", CopyLoad.of(600 * MIB, true, true, 2)).roundStartCreditBytes())
                .isZero();
        assertThat(Scenarios.link(32).withRateTimes(2).roundStartCreditBytes()).isZero();
    }
}
