package io.livemig.migrator.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketRateLimiterTest {

    private static final long SECOND_NANOS = 1_000_000_000L;

    /** A clock that only moves when the limiter sleeps (or the test advances it). */
    private long nowNanos = 123_456_789L;
    private final List<Long> sleepsNanos = new ArrayList<>();

    private TokenBucketRateLimiter limiter(long bytesPerSecond, long burstBytes) {
        return new TokenBucketRateLimiter(bytesPerSecond, burstBytes, () -> nowNanos, nanos -> {
            sleepsNanos.add(nanos);
            nowNanos += nanos;
        });
    }

    @Test
    void burstPassesAtOnceThenTheRateHolds() {
        TokenBucketRateLimiter limiter = limiter(1000, 500);
        limiter.acquire(500);
        assertThat(sleepsNanos).isEmpty();
        limiter.acquire(250);
        assertThat(sleepsNanos).containsExactly(SECOND_NANOS / 4);
        limiter.acquire(1000);
        assertThat(nowNanos - 123_456_789L).isEqualTo(SECOND_NANOS * 5 / 4);
    }

    @Test
    void requestsLargerThanTheBurstArePaidBackByWaiting() {
        TokenBucketRateLimiter limiter = limiter(1 << 20, 64 * 1024);
        for (int i = 0; i < 100; i++) {
            limiter.acquire(1 << 20);
        }
        // 100 MiB at 1 MiB/s, the first 64 KiB free from the full bucket.
        long expectedNanos = (long) ((100.0 * (1 << 20) - 64 * 1024) / (1 << 20) * SECOND_NANOS);
        assertThat(nowNanos - 123_456_789L).isCloseTo(expectedNanos, within(1000L));
        assertThat(limiter.acquiredBytes()).isEqualTo(100L << 20);
        assertThat(limiter.achievedBytesPerSecond()).isCloseTo(1 << 20, within(20_000.0));
    }

    @Test
    void idleTimeRefillsNoMoreThanTheBurst() {
        TokenBucketRateLimiter limiter = limiter(1000, 100);
        limiter.acquire(100);
        nowNanos += 60 * SECOND_NANOS;
        limiter.acquire(100);
        assertThat(sleepsNanos).isEmpty();
        limiter.acquire(100);
        assertThat(sleepsNanos).containsExactly(SECOND_NANOS / 10);
    }

    @Test
    void zeroOrNegativeRateIsUnlimited() {
        TokenBucketRateLimiter limiter = limiter(0, 0);
        limiter.acquire(Long.MAX_VALUE / 2);
        assertThat(sleepsNanos).isEmpty();
        assertThat(limiter.isUnlimited()).isTrue();
        assertThat(limiter(-5, 0).isUnlimited()).isTrue();
    }

    @Test
    void achievedBandwidthIsBytesOverElapsedTime() {
        TokenBucketRateLimiter limiter = limiter(0, 0);
        assertThat(limiter.achievedBytesPerSecond()).isZero();
        limiter.acquire(3000);
        nowNanos += 2 * SECOND_NANOS;
        limiter.acquire(1000);
        assertThat(limiter.achievedBytesPerSecond()).isEqualTo(2000.0);
    }

    @Test
    void anUrgentTakeNeverWaitsAndTheNextAcquirePaysItBack() {
        TokenBucketRateLimiter limiter = limiter(1000, 100);
        limiter.acquire(100);
        limiter.takeUrgent(500);
        assertThat(sleepsNanos).as("an urgent page goes at once, into debt").isEmpty();
        limiter.acquire(100);
        assertThat(sleepsNanos).as("the push pays the debt back").containsExactly(SECOND_NANOS * 6 / 10);
        assertThat(limiter.acquiredBytes()).isEqualTo(700);
    }
}
