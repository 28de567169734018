package io.livemig.migrator.estimate;

import io.livemig.migrator.migration.CompressionMode;

import java.util.Locale;

/**
 * The link as it was found: the {@code --bandwidth} limit or a probe's measure, whether a probe
 * measured the round trip, and how long the probe's connection and handshake took. What the model
 * then assumes depends on the host too (the share of a core the sampled guest got when it wanted one).
 *
 * @param profile            rate, round trip (the default when not measured), origin
 * @param roundTripMeasured  whether a probe measured the round trip
 * @param probeSetupNanos    the probe's connect and handshake; 0 without a probe
 */
public record LinkMeasure(LinkProfile profile, boolean roundTripMeasured, long probeSetupNanos) {

    /**
     * The link as the pages see it under {@code --compress mode}: its rate times what the guest's
     * pages compress to, bounded by the codec's own speed ({@link Compressibility#pageRate}).
     */
    public LinkMeasure compressed(Compressibility pages, CompressionMode mode) {
        if (mode == CompressionMode.NONE || pages.codecs().isEmpty()) return this;
        double rate = pages.pageRate(profile.bytesPerS(), mode);
        String origin = String.format(Locale.ROOT, "%s; pages at %.1f MiB/s with --compress %s (%s)", profile.origin(),
                rate / 1048576.0, mode.word(), pages.describe());
        return new LinkMeasure(new LinkProfile(rate, profile.roundTripNanos(), origin, profile.copyLoad()), roundTripMeasured,
                probeSetupNanos);
    }

    /** The link on this host: a round trip nothing measured stretches as the host's fixed costs do. */
    public LinkProfile onHost(GuestProfile guest) {
        if (roundTripMeasured) return profile;
        double share = Math.max(Overheads.MIN_HOST_SHARE, Math.min(1, guest.hostShare()));
        return new LinkProfile(profile.bytesPerS(), Math.round(profile.roundTripNanos() / share), profile.origin(), profile.copyLoad());
    }

    /** The fixed costs on this host, the setup never below what the probe's connection and handshake took. */
    public Overheads overheads(GuestProfile guest) {
        Overheads stretched = Overheads.defaultsFor(guest.memoryBytes()).onHostWithShare(guest.hostShare());
        return stretched.withSetupNanos(Math.max(stretched.setupNanos(), probeSetupNanos));
    }
}
