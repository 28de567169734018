package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.LinkProbe;
import io.livemig.migrator.protocol.LinkProbeReply;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionException;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;

/**
 * The destination's side of a link probe (a connection whose first message after the handshake is
 * a {@link LinkProbe}): reads each burst, times it from its first message to its last, answers a
 * {@link LinkProbeReply}, and ends when the source closes the connection. No guest is made and
 * nothing is kept; the filler is dropped as it arrives.
 */
final class LinkProbeResponder {
    /** A probe is short by design: a source that keeps sending past this is not probing. */
    static final long MAX_PROBE_BYTES = 256L << 20;

    private LinkProbeResponder() {}

    /** Answers the probe that began with {@code first}; always ends with {@link MigrationDestination.ProbeAnswered}. */
    static void answer(Connection connection, LinkProbe first, Duration messageTimeout) throws Exception {
        LinkProbe probe = first;
        int burst = probe.burst();
        long firstAtNanos = System.nanoTime();
        long bytesAfterFirst = 0;
        long total = probe.fillerBytes();
        int bursts = 0;
        while (true) {
            if (probe.last()) {
                connection.send(new LinkProbeReply(burst, bytesAfterFirst, System.nanoTime() - firstAtNanos))
                        .await(messageTimeout.toMillis());
                bursts++;
            }
            Message next;
            try {
                next = connection.receive(messageTimeout);
            } catch (ConnectionException e) {
                throw new MigrationDestination.ProbeAnswered(bursts, total);  // the source has what it came for
            }
            if (!(next instanceof LinkProbe nextProbe)) {
                ReferenceCountUtil.release(next);
                throw new ProtocolException("expected LINK_PROBE during a link probe, got " + next.type());
            }
            total += nextProbe.fillerBytes();
            if (total > MAX_PROBE_BYTES) throw new ProtocolException("a link probe longer than " + (MAX_PROBE_BYTES >> 20) + " MiB");
            if (nextProbe.burst() != burst) {
                burst = nextProbe.burst();
                firstAtNanos = System.nanoTime();
                bytesAfterFirst = 0;
            } else {
                bytesAfterFirst += nextProbe.fillerBytes();
            }
            probe = nextProbe;
        }
    }
}
