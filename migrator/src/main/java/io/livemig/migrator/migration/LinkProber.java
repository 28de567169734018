package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.LinkProbe;
import io.livemig.migrator.protocol.LinkProbeReply;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;

import java.time.Duration;

/**
 * Measures the link to a {@code livemig dest} with a short real transfer: connect, handshake,
 * then bursts of {@link LinkProbe} filler, each answered by a {@link LinkProbeReply} with the time
 * the destination took to read it. Bursts double (from 256 KiB) until one takes
 * {@link #TARGET_BURST_NANOS} at the destination, or {@link #MAX_BYTES} have gone, or the time
 * budget (counted from the end of the handshake) is spent; the rate is the last burst's. The round
 * trip is an empty burst's. The destination makes no guest and keeps nothing (docs/protocol.md,
 * "Link probe").
 */
public final class LinkProber {
    static final long FIRST_BURST_BYTES = 256 * 1024;
    static final long MAX_BYTES = 64L << 20;
    static final long TARGET_BURST_NANOS = 100_000_000L;

    /**
     * What the probe measured.
     *
     * @param bytesPerS       the link's rate (the last burst)
     * @param roundTripNanos  an empty burst and its reply
     * @param setupNanos      connect and handshake
     * @param bytesSent       filler sent in all
     */
    public record Measure(double bytesPerS, long roundTripNanos, long setupNanos, long bytesSent) {}

    private final Transport transport;
    private final Handshake handshake;
    private final Duration timeout;

    public LinkProber(Transport transport, Handshake handshake, Duration timeout) {
        this.transport = transport;
        this.handshake = handshake;
        this.timeout = timeout;
    }

    /** Probes {@code to}: the connection and handshake, then bursts for at most about {@code budget}. */
    public Measure probe(HostPort to, Duration budget) throws Exception {
        long connectStart = System.nanoTime();
        try (Connection connection = transport.connect(to, timeout)) {
            handshake.sourceSide(connection, timeout);
            long start = System.nanoTime();
            long setup = start - connectStart;
            long pingStart = System.nanoTime();
            burst(connection, 0, 0);
            long roundTrip = System.nanoTime() - pingStart;
            long sent = 0;
            double rate = 0;
            long burstBytes = FIRST_BURST_BYTES;
            for (int burst = 1; ; burst++) {
                LinkProbeReply reply = burst(connection, burst, burstBytes);
                sent += burstBytes;
                if (reply.firstToLastNanos() > 0 && reply.bytesAfterFirst() > 0) {
                    rate = reply.bytesAfterFirst() * 1e9 / reply.firstToLastNanos();
                }
                boolean longEnough = reply.firstToLastNanos() >= TARGET_BURST_NANOS;
                boolean spent = System.nanoTime() - start >= budget.toNanos() || sent + 2 * burstBytes > MAX_BYTES;
                if (rate > 0 && (longEnough || spent)) return new Measure(rate, roundTrip, setup, sent);
                if (spent) throw new MigrationException("the link probe measured nothing within " + budget.toMillis() + " ms");
                burstBytes *= 2;
            }
        }
    }

    /** Sends one burst of {@code bytes} of filler and waits for its reply. */
    private LinkProbeReply burst(Connection connection, int burst, long bytes) throws Exception {
        long left = bytes;
        do {
            int filler = (int) Math.min(LinkProbe.MAX_FILLER_BYTES, left);
            left -= filler;
            connection.send(new LinkProbe(burst, left == 0, filler));
        } while (left > 0);
        LinkProbeReply reply = Replies.expect(connection, LinkProbeReply.class, timeout, "the link probe");
        if (reply.burst() != burst) throw new MigrationException("link probe: reply to burst " + reply.burst() + " during burst " + burst);
        return reply;
    }
}
