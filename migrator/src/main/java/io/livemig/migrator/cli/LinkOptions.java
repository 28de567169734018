package io.livemig.migrator.cli;

import io.livemig.migrator.estimate.LinkProfile;
import io.livemig.migrator.estimate.Overheads;
import io.livemig.migrator.migration.Errors;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.LinkProber;
import io.livemig.migrator.migration.LinkRateEstimate;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;

import java.time.Duration;
import java.util.Locale;

/** The link a prediction assumes: the {@code --bandwidth} limit, or a probe of a {@code livemig dest}. */
final class LinkOptions {
    /** A probe takes at most this long (or a quarter of the sample, if less). */
    static final Duration MAX_PROBE = Duration.ofMillis(500);

    private LinkOptions() {}

    /** What the link gave: its profile, and the overheads with the setup time the probe measured (if it probed). */
    record Link(LinkProfile profile, Overheads overheads) {}

    /**
     * @param bandwidth the rate limit; 0 = none (then probe {@code to}, or assume a modest LAN)
     */
    static Link measure(long bandwidth, HostPort to, Handshake handshake, ConnectionOptions connection, Duration budget) {
        if (bandwidth > 0 || to == null) {
            double rate = bandwidth > 0 ? bandwidth : LinkRateEstimate.UNMEASURED_LINK_BYTES_PER_S;
            String origin = bandwidth > 0 ? "--bandwidth limit" : "assumed: no --bandwidth and no --to";
            return new Link(new LinkProfile(rate, Overheads.DEFAULT_ROUND_TRIP_NANOS, origin), Overheads.DEFAULTS);
        }
        try (Transport transport = Transport.create(connection)) {
            LinkProber.Measure m = new LinkProber(transport, handshake, Duration.ofSeconds(10)).probe(to, budget);
            String origin = String.format(Locale.ROOT, "probe of %s, %.1f MiB", to, m.bytesSent() / 1048576.0);
            return new Link(new LinkProfile(m.bytesPerS(), m.roundTripNanos(), origin),
                    Overheads.DEFAULTS.withSetupNanos(Math.max(m.setupNanos(), Overheads.DEFAULTS.setupNanos())));
        } catch (Exception e) {
            throw new ProbeFailed("cannot probe the link to " + to + ": " + Errors.describe(e));
        }
    }

    /** The probe failed: not bad input, but nothing to predict with. */
    static final class ProbeFailed extends RuntimeException {
        ProbeFailed(String message) {
            super(message);
        }
    }
}
