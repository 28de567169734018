package io.livemig.migrator.transport;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Paces the page stream to {@code --bandwidth}: a token bucket of {@code burstBytes} refilled at
 * {@code bytesPerSecond}, starting full. A request larger than the burst is let through and paid
 * back by waiting, so any batch size works. A rate of 0 or less means unlimited. It also measures
 * the rate it let through ({@link #achievedBytesPerSecond()}); the policies do not use it: they
 * see each round's rate of pages delivered, in {@code RoundFigures}.
 *
 * <p>Clock and sleeper are injected so tests run on a fake clock without sleeping.
 */
public final class TokenBucketRateLimiter {

    private static final double NANOS_PER_SECOND = 1e9;

    private final long bytesPerSecond;
    private final long burstBytes;
    private final LongSupplier nanoClock;
    private final LongConsumer nanoSleeper;
    private double tokens;
    private long lastRefillNanos;
    private boolean started;
    private long firstAcquireNanos;
    private long acquiredBytes;

    public TokenBucketRateLimiter(long bytesPerSecond, long burstBytes) {
        this(bytesPerSecond, burstBytes, System::nanoTime, LockSupport::parkNanos);
    }

    public TokenBucketRateLimiter(long bytesPerSecond, long burstBytes, LongSupplier nanoClock, LongConsumer nanoSleeper) {
        if (bytesPerSecond > 0 && burstBytes <= 0) {
            throw new IllegalArgumentException("burstBytes " + burstBytes + " must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.nanoClock = nanoClock;
        this.nanoSleeper = nanoSleeper;
        this.tokens = burstBytes;
    }

    /**
     * The bucket the page stream's limiter has at {@code bytesPerSecond} (0 when unlimited): 10 ms of
     * the rate, at least 64 KiB. What it gathers while the stream idles (between rounds) goes at once.
     */
    public static long burstBytesFor(long bytesPerSecond) {
        return bytesPerSecond <= 0 ? 0 : Math.max(64 * 1024, bytesPerSecond / 100);
    }

    public boolean isUnlimited() {
        return bytesPerSecond <= 0;
    }

    /**
     * Blocks until {@code bytes} may be sent at the configured rate. It waits outside the lock, so
     * an {@link #takeUrgent} from another thread never waits behind a sleeping acquirer.
     */
    public void acquire(long bytes) {
        long waitNanos = take(bytes);
        while (waitNanos > 0) {
            nanoSleeper.accept(waitNanos);
            waitNanos = deficitNanos();
        }
    }

    /**
     * Takes {@code bytes} at once, without waiting, even into debt: for a page a vCPU is blocked on.
     * The debt is paid back by the next {@link #acquire} waiting longer, so the average rate holds.
     */
    public void takeUrgent(long bytes) {
        take(bytes);
    }

    /** Accounts {@code bytes} and returns how long the bucket is in debt, in nanoseconds (0 if not). */
    private synchronized long take(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes " + bytes + " < 0");
        }
        long now = nanoClock.getAsLong();
        if (!started) {
            started = true;
            firstAcquireNanos = now;
            lastRefillNanos = now;
        }
        acquiredBytes += bytes;
        if (isUnlimited()) {
            return 0;
        }
        refill(now);
        tokens -= bytes;
        return debtNanos();
    }

    private synchronized long deficitNanos() {
        refill(nanoClock.getAsLong());
        return debtNanos();
    }

    private long debtNanos() {
        return tokens < 0 ? (long) Math.ceil(-tokens * NANOS_PER_SECOND / bytesPerSecond) : 0;
    }

    public synchronized long acquiredBytes() {
        return acquiredBytes;
    }

    /** Bytes acquired per second since the first acquire; 0 before any time has passed. */
    public synchronized double achievedBytesPerSecond() {
        long elapsedNanos = nanoClock.getAsLong() - firstAcquireNanos;
        return !started || elapsedNanos <= 0 ? 0 : acquiredBytes * NANOS_PER_SECOND / elapsedNanos;
    }

    private void refill(long now) {
        long elapsedNanos = now - lastRefillNanos;
        if (elapsedNanos > 0) {
            tokens = Math.min(burstBytes, tokens + elapsedNanos * (bytesPerSecond / NANOS_PER_SECOND));
            lastRefillNanos = now;
        }
    }
}
