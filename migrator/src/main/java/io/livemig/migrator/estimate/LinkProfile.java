package io.livemig.migrator.estimate;

/**
 * What the model knows of the link to the destination.
 *
 * @param bytesPerS       the rate pages flow at: the {@code --bandwidth} limit, or a probe's measure
 * @param roundTripNanos  one request and its answer (a round's {@code RoundEnd}/{@code RoundAck}, a
 *                        post-copy page request), beyond the bytes' own transfer time
 * @param origin          where the rate came from, for people: "bandwidth limit", "probe of HOST:PORT"
 * @param copyLoad        the CPU its page stream takes on the guest's host while a round sends
 * @param limitBurstBytes what a rate limit's token bucket holds (0: no limit): a round starts with
 *                        what it gathered while the source waited for the last round's answer and synced
 */
public record LinkProfile(double bytesPerS, long roundTripNanos, String origin, CopyLoad copyLoad, long limitBurstBytes) {
    /**
     * Besides the round trip, the time between one round's last batch and the next round's first in
     * which a rate limit's bucket refills: under a 32 MiB/s limit the rounds after round 0 took their
     * wire bytes / the rate less 2-2.5 ms at the median over durations of 50 ms to 1 s (340 rounds of
     * session 16's two paper matrices, round trips of 1.0-1.5 ms), so a round of 90 ms ran 2-3 %
     * above the limit, and the stop rule saw that rate.
     */
    static final long BETWEEN_ROUNDS_NANOS = 2_500_000L;

    public LinkProfile {
        if (!(bytesPerS > 0)) throw new IllegalArgumentException("link rate must be > 0");
        if (roundTripNanos < 0) throw new IllegalArgumentException("round trip must be >= 0");
        if (copyLoad == null) throw new IllegalArgumentException("a copy load is required (CopyLoad.NONE for none)");
        if (limitBurstBytes < 0) throw new IllegalArgumentException("a limit's burst must be >= 0");
    }

    /** A link no rate limit's bucket paces. */
    public LinkProfile(double bytesPerS, long roundTripNanos, String origin, CopyLoad copyLoad) {
        this(bytesPerS, roundTripNanos, origin, copyLoad, 0);
    }

    /** A link whose page stream takes no CPU from the guest. */
    public LinkProfile(double bytesPerS, long roundTripNanos, String origin) {
        this(bytesPerS, roundTripNanos, origin, CopyLoad.NONE);
    }

    public LinkProfile withRateTimes(double factor) {
        return new LinkProfile(bytesPerS * factor, roundTripNanos, origin, copyLoad, limitBurstBytes);
    }

    public LinkProfile withRate(double rate, String newOrigin) {
        return new LinkProfile(rate, roundTripNanos, newOrigin, copyLoad, limitBurstBytes);
    }

    public LinkProfile withRoundTripNanos(long nanos) {
        return new LinkProfile(bytesPerS, nanos, origin, copyLoad, limitBurstBytes);
    }

    /** The bytes a round after the first (or the stop-and-copy) sends at once, before the limit paces it. */
    double roundStartCreditBytes() {
        return Math.min(limitBurstBytes, bytesPerS * (roundTripNanos + BETWEEN_ROUNDS_NANOS) / 1e9);
    }

    public double transferNanos(double bytes) {
        return bytes / bytesPerS * 1e9;
    }

    /**
     * The time a round after round 0 (or the stop-and-copy) takes to send {@code bytes} beside
     * {@code guest}'s vCPUs capped at {@code capPct} (0: paused): what a rate limit's bucket gathered
     * since the last round goes at once ({@link #roundStartCreditBytes}), the rest at the rate.
     */
    public double roundNanos(double bytes, GuestProfile guest, double capPct) {
        return pacedNanos(Math.max(0, bytes - roundStartCreditBytes()), guest, capPct);
    }

    /**
     * The time {@code bytes} take in round 0, beside {@code guest}'s vCPUs at full speed: the limit's
     * bucket starts full, and a cold page path is slower ({@link CopyLoad#firstRoundScale}).
     */
    public double firstRoundNanos(double bytes, GuestProfile guest) {
        return pacedNanos(Math.max(0, bytes - limitBurstBytes), guest, 100) / copyLoad.firstRoundScale();
    }

    /**
     * The time {@code bytes} take at the rate beside {@code guest}'s vCPUs capped at {@code capPct}.
     * The rate was measured beside the guest running as sampled; a stream the CPU paces runs faster
     * beside vCPUs that want less ({@link CopyLoad#rateScale}).
     */
    private double pacedNanos(double bytes, GuestProfile guest, double capPct) {
        double sampled = guest.vcpus() * guest.cpuShare();
        return transferNanos(bytes) / copyLoad.rateScale(sampled * capPct / 100, sampled);
    }
}
