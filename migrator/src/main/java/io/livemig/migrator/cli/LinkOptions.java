package io.livemig.migrator.cli;

import io.livemig.migrator.estimate.CopyLoad;
import io.livemig.migrator.estimate.LinkMeasure;
import io.livemig.migrator.estimate.LinkProfile;
import io.livemig.migrator.estimate.Overheads;
import io.livemig.migrator.migration.Errors;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.LinkProber;
import io.livemig.migrator.migration.LinkRateEstimate;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.livemig.migrator.transport.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Locale;

/** The link a prediction assumes: the {@code --bandwidth} limit, or a probe of a {@code livemig dest}. */
final class LinkOptions {
    /** A probe takes at most this long (or a quarter of the sample, if less). */
    static final Duration MAX_PROBE = Duration.ofMillis(500);

    private LinkOptions() {}

    /**
     * The link: with a destination to probe, its measure (the rate never above {@code bandwidth}
     * when one is set: a busy host can carry less than the limit, never more); without one, the
     * {@code bandwidth} limit, or a modest LAN's rate when there is none.
     *
     * @param bandwidth the rate limit; 0 = none
     * @param to        a destination to probe, or null
     */
    static LinkMeasure measure(long bandwidth, HostPort to, Handshake handshake, ConnectionOptions connection, Duration budget) {
        if (to == null) {
            double rate = bandwidth > 0 ? bandwidth : LinkRateEstimate.UNMEASURED_LINK_BYTES_PER_S;
            String origin = bandwidth > 0 ? "--bandwidth limit" : "assumed: no --bandwidth and no --to";
            // Nothing says where the destination runs: taken to share this host, as the demo and the experiments do.
            return new LinkMeasure(new LinkProfile(rate, Overheads.DEFAULT_ROUND_TRIP_NANOS, origin, copyLoad(rate, bandwidth, true),
                    TokenBucketRateLimiter.burstBytesFor(bandwidth)), false);
        }
        try (Transport transport = Transport.create(connection)) {
            LinkProber.Measure m = new LinkProber(transport, handshake, Duration.ofSeconds(10)).probe(to, budget);
            boolean limited = bandwidth > 0 && bandwidth < m.bytesPerS();
            double probed = limited ? bandwidth : m.bytesPerS();
            CopyLoad load = copyLoad(probed, bandwidth, onThisHost(to));
            double rate = load.warmRate(probed);
            String origin = String.format(Locale.ROOT, "probe of %s: %.1f MiB/s over %.1f MiB%s", to, m.bytesPerS() / 1048576.0,
                    m.bytesSent() / 1048576.0, limited ? ", --bandwidth below it" : bandwidth > 0 ? ", under --bandwidth"
                            : rate > probed ? ", a warm stream faster" : "");
            return new LinkMeasure(new LinkProfile(rate, m.roundTripNanos(), origin, load, TokenBucketRateLimiter.burstBytesFor(bandwidth)),
                    true);
        } catch (Exception e) {
            throw new ProbeFailed("cannot probe the link to " + to + ": " + Errors.describe(e));
        }
    }

    /** The CPU the page stream will take on this host: flat out without a limit, in proportion to the rate under one. */
    private static CopyLoad copyLoad(double rate, long bandwidth, boolean destinationOnThisHost) {
        return CopyLoad.of(rate, bandwidth <= 0, destinationOnThisHost, Runtime.getRuntime().availableProcessors());
    }

    /** Whether {@code to} is an address of this host (then the destination's receiving thread competes here too). */
    static boolean onThisHost(HostPort to) {
        try {
            InetAddress address = InetAddress.getByName(to.host());
            return address.isLoopbackAddress() || address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The probe failed: not bad input, but nothing to predict with. */
    static final class ProbeFailed extends RuntimeException {
        ProbeFailed(String message) {
            super(message);
        }
    }
}
