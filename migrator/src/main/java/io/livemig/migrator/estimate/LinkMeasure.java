package io.livemig.migrator.estimate;

/**
 * The link as it was found: the {@code --bandwidth} limit or a probe's measure, whether a probe
 * measured the round trip, and how long the probe's connection and handshake took. What the model
 * then assumes depends on the host too (the CPU share the sampled guest got).
 *
 * @param profile            rate, round trip (the default when not measured), origin
 * @param roundTripMeasured  whether a probe measured the round trip
 * @param probeSetupNanos    the probe's connect and handshake; 0 without a probe
 */
public record LinkMeasure(LinkProfile profile, boolean roundTripMeasured, long probeSetupNanos) {

    /** The link on this host: a round trip nothing measured stretches as the host's fixed costs do. */
    public LinkProfile onHost(GuestProfile guest) {
        if (roundTripMeasured) return profile;
        double share = Math.max(Overheads.MIN_HOST_SHARE, Math.min(1, guest.cpuShare()));
        return new LinkProfile(profile.bytesPerS(), Math.round(profile.roundTripNanos() / share), profile.origin(), profile.copyLoad());
    }

    /** The fixed costs on this host, the setup never below what the probe's connection and handshake took. */
    public Overheads overheads(GuestProfile guest) {
        Overheads stretched = Overheads.defaultsFor(guest.memoryBytes()).onHostWithShare(guest.cpuShare());
        return stretched.withSetupNanos(Math.max(stretched.setupNanos(), probeSetupNanos));
    }
}
