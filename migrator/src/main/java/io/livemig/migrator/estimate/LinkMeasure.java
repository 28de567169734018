package io.livemig.migrator.estimate;

import io.livemig.migrator.migration.CompressionMode;

import java.util.Locale;

/**
 * The link as it was found: the {@code --bandwidth} limit or a probe's measure, and whether a probe
 * measured the round trip. What the model
 * then assumes depends on the host too (the share of a core the sampled guest got when it wanted one).
 *
 * @param profile            rate, round trip (the default when not measured), origin
 * @param roundTripMeasured  whether a probe measured the round trip
 */
public record LinkMeasure(LinkProfile profile, boolean roundTripMeasured) {

    /**
     * The link as the pages see it under {@code --compress mode}: its rate times what the guest's
     * pages compress to, bounded by the codec's own speed ({@link Compressibility#pageRate}).
     */
    public LinkMeasure compressed(Compressibility pages, CompressionMode mode) {
        if (mode == CompressionMode.NONE || pages.codecs().isEmpty()) return this;
        double rate = pages.pageRate(profile.bytesPerS(), mode);
        String origin = String.format(Locale.ROOT, "%s; pages at %.1f MiB/s with --compress %s (%s)", profile.origin(),
                rate / 1048576.0, mode.word(), pages.describe());
        return new LinkMeasure(profile.withRate(rate, origin), roundTripMeasured);
    }

    /** The link on this host: a round trip nothing measured stretches as the host's fixed costs do. */
    public LinkProfile onHost(GuestProfile guest) {
        if (roundTripMeasured) return profile;
        double share = Math.max(Overheads.MIN_HOST_SHARE, Math.min(1, guest.hostShare()));
        return profile.withRoundTripNanos(Math.round(profile.roundTripNanos() / share));
    }

    /**
     * The fixed costs on this host. The probe's own connection and handshake say nothing of the
     * setup: they are the destination JVM's first (0.5-0.9 s on this host, its code cold), and the
     * setups after them took 0.4-0.6 s for 128 MiB guests.
     */
    public Overheads overheads(GuestProfile guest) {
        return Overheads.defaultsFor(guest.memoryBytes()).onHostWithShare(guest.hostShare());
    }
}
