package io.livemig.migrator.estimate;

/**
 * What the model knows of the link to the destination.
 *
 * @param bytesPerS       the rate pages flow at: the {@code --bandwidth} limit, or a probe's measure
 * @param roundTripNanos  one request and its answer (a round's {@code RoundEnd}/{@code RoundAck}, a
 *                        post-copy page request), beyond the bytes' own transfer time
 * @param origin          where the rate came from, for people: "bandwidth limit", "probe of HOST:PORT"
 * @param copyLoad        the CPU its page stream takes on the guest's host while a round sends
 */
public record LinkProfile(double bytesPerS, long roundTripNanos, String origin, CopyLoad copyLoad) {
    public LinkProfile {
        if (!(bytesPerS > 0)) throw new IllegalArgumentException("link rate must be > 0");
        if (roundTripNanos < 0) throw new IllegalArgumentException("round trip must be >= 0");
        if (copyLoad == null) throw new IllegalArgumentException("a copy load is required (CopyLoad.NONE for none)");
    }

    /** A link whose page stream takes no CPU from the guest. */
    public LinkProfile(double bytesPerS, long roundTripNanos, String origin) {
        this(bytesPerS, roundTripNanos, origin, CopyLoad.NONE);
    }

    public double transferNanos(double bytes) {
        return bytes / bytesPerS * 1e9;
    }

    /**
     * The time {@code bytes} take beside {@code guest}'s vCPUs capped at {@code capPct} (0: paused).
     * The rate was measured beside the guest running as sampled; a stream the CPU paces runs faster
     * beside vCPUs that want less ({@link CopyLoad#rateScale}).
     */
    public double transferNanos(double bytes, GuestProfile guest, double capPct) {
        double sampled = guest.vcpus() * guest.cpuShare();
        return transferNanos(bytes) / copyLoad.rateScale(sampled * capPct / 100, sampled);
    }

    /** The time {@code bytes} take in round 0, beside {@code guest}'s vCPUs at full speed: a cold page path is slower ({@link CopyLoad#firstRoundScale}). */
    public double firstRoundNanos(double bytes, GuestProfile guest) {
        return transferNanos(bytes, guest, 100) / copyLoad.firstRoundScale();
    }
}
