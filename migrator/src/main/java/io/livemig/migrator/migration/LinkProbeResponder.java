package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.LinkProbe;
import io.livemig.migrator.protocol.LinkProbeReply;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionException;
import io.livemig.migrator.transport.EventLoopReader;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The destination's side of a link probe (a connection whose first message after the handshake is
 * a {@link LinkProbe}): reads each burst on the event loop, as the page stream is read, times it
 * from its first message to its last, answers a {@link LinkProbeReply}, and ends when the source
 * closes the connection. No guest is made and nothing is kept; the filler is dropped as it arrives.
 */
final class LinkProbeResponder implements EventLoopReader {
    /** A probe is short by design: a source that keeps sending past this is not probing. */
    static final long MAX_PROBE_BYTES = 1L << 30;
    /** However the source paces its bursts, a probe is over by then. */
    static final Duration MAX_PROBE_TIME = Duration.ofMinutes(1);

    private final Connection connection;
    /** Completed when the connection ends: normally (null) or by a protocol error. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private int burst = -1;
    private long firstAtNanos;
    private long bytesAfterFirst;
    private long totalBytes;
    private int bursts;

    private LinkProbeResponder(Connection connection) {
        this.connection = connection;
    }

    /** Answers the probe that began with {@code first}; ends with {@link MigrationDestination.ProbeAnswered} or an error. */
    static void answer(Connection connection, LinkProbe first) throws Exception {
        LinkProbeResponder responder = new LinkProbeResponder(connection);
        responder.message(first);
        connection.deliverOnEventLoop(responder);
        try {
            responder.ended.get(MAX_PROBE_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            connection.abort("a link probe longer than " + MAX_PROBE_TIME.toSeconds() + " s");
            throw new ProtocolException("a link probe longer than " + MAX_PROBE_TIME.toSeconds() + " s");
        }
        throw new MigrationDestination.ProbeAnswered(responder.bursts, responder.totalBytes);
    }

    @Override
    public void message(Message message) throws ConnectionException {
        if (!(message instanceof LinkProbe probe)) {
            ReferenceCountUtil.release(message);
            throw new ProtocolException("expected LINK_PROBE during a link probe, got " + message.type());
        }
        totalBytes += probe.fillerBytes();
        if (totalBytes > MAX_PROBE_BYTES) throw new ProtocolException("a link probe longer than " + (MAX_PROBE_BYTES >> 20) + " MiB");
        if (probe.burst() != burst) {
            burst = probe.burst();
            firstAtNanos = System.nanoTime();
            bytesAfterFirst = 0;
        } else {
            bytesAfterFirst += probe.fillerBytes();
        }
        if (probe.last()) {
            connection.sendNow(new LinkProbeReply(burst, bytesAfterFirst, System.nanoTime() - firstAtNanos));
            bursts++;
        }
    }

    @Override
    public void failed(Throwable cause) {
        // The source closing the connection is how a probe ends: it has what it came for.
        if (cause instanceof ProtocolException protocol) ended.completeExceptionally(protocol);
        else ended.complete(null);
    }
}
