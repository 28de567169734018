package io.livemig.migrator.migration;

import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.stats.StopReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stop rule on scripted round figures, no clock and no guest: converged when the rest fits
 * the downtime limit at the estimated link rate, else at the round limit, else at the volume limit.
 */
class StopRuleTest {
    private static final int PAGE = 4096;
    private static final long MIB = 1 << 20;
    private static final long MEMORY = 256 * MIB;
    /** 300 ms downtime limit, 5 rounds at most, 3x memory at most, unlimited link. */
    private static final MigrationOptions OPTIONS = MigrationOptions.defaults().withMaxRounds(5);

    private long totalBytes;

    /** A round of {@code durationMs} that sent {@code sentMib} and left {@code dirtyMib} to send. */
    private RoundFigures round(int round, double sentMib, long durationMs, double dirtyMib) {
        long bytes = (long) (sentMib * MIB);
        totalBytes += bytes;
        return new RoundFigures(round, bytes / PAGE, bytes, durationMs * 1_000_000, (long) (dirtyMib * MIB / PAGE), PAGE,
                100, OPTIONS.downtimeLimit().toNanos(), totalBytes, 0);
    }

    @Test
    void nothingLeftDirtyHasConverged() {
        StopRule rule = new StopRule(OPTIONS, MEMORY);
        assertThat(rule.afterRound(round(0, 64, 500, 0))).contains(StopReason.CONVERGED);
    }

    @Test
    void aRestThatFitsTheDowntimeLimitAtTheMeasuredRateHasConverged() {
        StopRule rule = new StopRule(OPTIONS, MEMORY);
        // 128 MiB/s measured: 32 MiB left takes 250 ms, within the 300 ms limit.
        assertThat(rule.afterRound(round(0, 64, 500, 32))).contains(StopReason.CONVERGED);
    }

    @Test
    void aRestThatDoesNotFitGoesOnIterating() {
        StopRule rule = new StopRule(OPTIONS, MEMORY);
        // 128 MiB/s measured: 48 MiB left takes 375 ms, over the limit.
        assertThat(rule.afterRound(round(0, 64, 500, 48))).isEmpty();
    }

    @Test
    void theRoundLimitStopsARoundThatDoesNotConverge() {
        StopRule rule = new StopRule(OPTIONS, MEMORY);
        for (int r = 0; r < 4; r++) {
            assertThat(rule.afterRound(round(r, 64, 500, 48))).as("round %d", r).isEmpty();
        }
        assertThat(rule.afterRound(round(4, 64, 500, 48))).as("the fifth round").contains(StopReason.MAX_ROUNDS);
    }

    @Test
    void convergenceWinsOverTheRoundLimit() {
        StopRule rule = new StopRule(MigrationOptions.defaults().withMaxRounds(1), MEMORY);
        assertThat(rule.afterRound(round(0, 64, 500, 1))).contains(StopReason.CONVERGED);
    }

    @Test
    void theVolumeLimitStopsOnceThreeTimesMemoryWasSent() {
        StopRule rule = new StopRule(MigrationOptions.defaults(), MEMORY);
        // 256 MiB per round at 128 MiB/s, 64 MiB left (500 ms): never converges.
        assertThat(rule.afterRound(round(0, 256, 2000, 64))).isEmpty();
        assertThat(rule.afterRound(round(1, 256, 2000, 64))).isEmpty();
        assertThat(rule.afterRound(round(2, 256, 2000, 64))).as("768 MiB = 3x memory sent").contains(StopReason.MAX_VOLUME);
    }

    @Test
    void aRoundTooShortToMeasureIsJudgedByTheAverageRate() {
        StopRule rule = new StopRule(OPTIONS, MEMORY);
        assertThat(rule.afterRound(round(0, 64, 500, 40))).isEmpty();
        // 10 ms for 0.01 MiB would be 1 MiB/s alone (20 s for 20 MiB); the average, ~126 MiB/s, gives ~160 ms.
        assertThat(rule.afterRound(round(1, 0.01, 10, 20))).contains(StopReason.CONVERGED);
    }

    @Test
    void tooLittleSentToMeasureFallsBackToTheConfiguredLink() {
        // 1 MiB sent in all: the measured rate says nothing. 40 MiB left.
        StopRule unlimited = new StopRule(OPTIONS, MEMORY);
        assertThat(unlimited.afterRound(round(0, 1, 100, 40))).as("100 MiB/s assumed: 400 ms").isEmpty();
        totalBytes = 0;
        StopRule fast = new StopRule(OPTIONS.withBandwidth(1024 * MIB), MEMORY);
        assertThat(fast.afterRound(round(0, 1, 100, 40))).as("--bandwidth 1g: 39 ms").contains(StopReason.CONVERGED);
    }

    @Test
    void theLinkEstimateUsesTheLastRoundWhenItWasLongEnough() {
        LinkRateEstimate link = new LinkRateEstimate(0);
        assertThat(link.afterRound(round(0, 64, 500, 1))).isEqualTo(128.0 * MIB);
        assertThat(link.afterRound(round(1, 16, 500, 1))).as("the last round's 32 MiB/s, not the average").isEqualTo(32.0 * MIB);
    }
}
