package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.LinkProbe;
import io.livemig.migrator.protocol.LinkProbeReply;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionException;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.netty.buffer.ByteBuf;

import java.time.Duration;

/**
 * Measures the link to a {@code livemig dest} with a short real transfer: connect, handshake,
 * then bursts of {@link LinkProbe} filler, each answered by a {@link LinkProbeReply} with the time
 * the destination took to read it. Bursts double (from 1 MiB) until one takes
 * {@link #TARGET_BURST_NANOS} at the destination; the probe ends after {@link #LONG_BURSTS} such
 * bursts, or when {@link #MAX_BYTES} have gone, or when the time budget (counted from the end of
 * the handshake) is spent. The rate is the fastest burst's (of those timed over at least
 * {@link #MIN_TIMED_BURST_NANOS}): on a host where the guest being sampled, the JIT compilers and
 * both JVMs share the cores, a burst is slowed by a compile or a wait for a core far more often
 * than sped up, and the link carries at least what its fastest burst moved. The round trip is the
 * shortest of three empty bursts after the filler. The destination makes no guest and keeps nothing (docs/protocol.md,
 * "Link probe").
 *
 * <p>The filler travels as the page stream does: frames of a page batch's size, written back to
 * back without a copy (each burst's frame is encoded once and sent again and again) and read on
 * the destination's event loop. Sent as small messages, each encoded and handed to a thread on its
 * own, it measured a loopback link at a quarter of the rate the page stream then reached.
 */
public final class LinkProber {
    static final long FIRST_BURST_BYTES = 2L * LinkProbe.MAX_FILLER_BYTES;
    /** Room for the doubling bursts and three of 100 ms at about 1 GiB/s, the page stream's rate on loopback here. */
    static final long MAX_BYTES = 512L << 20;
    static final long TARGET_BURST_NANOS = 100_000_000L;
    /** Bursts of {@link #TARGET_BURST_NANOS} or more the probe sends before it ends. */
    static final int LONG_BURSTS = 3;
    /** A burst shorter than this is timed too coarsely to count as the fastest. */
    static final long MIN_TIMED_BURST_NANOS = 20_000_000L;
    static final int PINGS = 3;

    /**
     * What the probe measured.
     *
     * @param bytesPerS       the link's rate (the fastest burst)
     * @param roundTripNanos  an empty burst and its reply, the shortest of three
     * @param bytesSent       filler sent in all
     */
    public record Measure(double bytesPerS, long roundTripNanos, long bytesSent) {}

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
        try (Connection connection = transport.connect(to, timeout)) {
            handshake.sourceSide(connection, timeout);
            // An empty burst first, and its answer awaited: a destination that refuses us (a token we
            // lack) has read all we sent and closes with a FIN, and its refusal is read here. Filler
            // written on after that close would meet a reset, and a failed write closes the channel
            // before the refusal queued in it is read.
            burst(connection, 1, 0);
            long start = System.nanoTime();
            long sent = 0;
            double fastest = 0;
            double last = 0;
            int longBursts = 0;
            long burstBytes = FIRST_BURST_BYTES;
            for (int burst = 2; ; burst++) {
                LinkProbeReply reply = burst(connection, burst, burstBytes);
                sent += burstBytes;
                if (reply.firstToLastNanos() > 0 && reply.bytesAfterFirst() > 0) {
                    last = reply.bytesAfterFirst() * 1e9 / reply.firstToLastNanos();
                    if (reply.firstToLastNanos() >= MIN_TIMED_BURST_NANOS) fastest = Math.max(fastest, last);
                }
                if (reply.firstToLastNanos() >= TARGET_BURST_NANOS) longBursts++;
                else burstBytes *= 2;
                double rate = fastest > 0 ? fastest : last;
                boolean spent = System.nanoTime() - start >= budget.toNanos() || sent + burstBytes > MAX_BYTES;
                if (rate > 0 && (longBursts == LONG_BURSTS || spent)) return new Measure(rate, roundTrip(connection, burst + 1), sent);
                if (spent) throw new MigrationException("the link probe measured nothing within " + budget.toMillis() + " ms");
            }
        }
    }

    /**
     * The shortest of {@link #PINGS} empty bursts, sent after the filler: on both sides the code
     * has run by then, as it has when a round ends or a page is asked for in a migration.
     */
    private long roundTrip(Connection connection, int firstBurst) throws Exception {
        long shortest = Long.MAX_VALUE;
        for (int ping = 0; ping < PINGS; ping++) {
            long start = System.nanoTime();
            burst(connection, firstBurst + ping, 0);
            shortest = Math.min(shortest, System.nanoTime() - start);
        }
        return shortest;
    }

    /** Sends one burst of {@code bytes} of filler (a whole number of frames) and waits for its reply. */
    private LinkProbeReply burst(Connection connection, int burst, long bytes) throws Exception {
        try {
            sendFiller(connection, burst, bytes);
        } catch (ConnectionException e) {
            // The destination may have closed already: an answer it queued before says why.
        }
        LinkProbeReply reply = Replies.expect(connection, LinkProbeReply.class, timeout, "the link probe");
        if (reply.burst() != burst) throw new MigrationException("link probe: reply to burst " + reply.burst() + " during burst " + burst);
        return reply;
    }

    private static void sendFiller(Connection connection, int burst, long bytes) throws Exception {
        int frameFiller = (int) Math.min(LinkProbe.MAX_FILLER_BYTES, bytes);
        long frames = Math.max(1, bytes / Math.max(1, frameFiller));
        if (frames > 1) {
            ByteBuf more = MessageCodec.encode(connection.alloc(), new LinkProbe(burst, false, frameFiller));
            try {
                for (long frame = 1; frame < frames; frame++) connection.sendPages(more.retainedDuplicate());
            } finally {
                more.release();
            }
        }
        connection.sendPages(MessageCodec.encode(connection.alloc(), new LinkProbe(burst, true, frameFiller)));
    }
}
