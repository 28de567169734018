package io.livemig.migrator.migration;

import io.livemig.migrator.postcopy.PagesToSend;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.PostcopyAttach;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.protocol.PostcopyResume;
import io.livemig.migrator.protocol.PostcopyResumeAck;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;

/**
 * The source's connections for post-copy: it opens the request connection (handshake, then
 * {@code PostcopyAttach}) and, after a broken link, reconnects: a new main connection with
 * {@code PostcopyResume}, the destination's maps of the pages it still lacks, then a new request
 * connection. It keeps trying until the recover timeout has passed since the link broke.
 */
final class PostcopyLinks {
    /** What a returning source learns. */
    sealed interface Reconnect permits Resumed, NeverSwitched, AlreadyComplete {}

    /** The migration goes on over {@code main} and {@code requests}; {@code lacking} pages were lacking. */
    record Resumed(Connection main, Connection requests, long lacking) implements Reconnect {}

    /** The destination never read the switch: the guest may resume on the source. */
    record NeverSwitched() implements Reconnect {}

    /** The destination had completed; its confirmation was lost with the old link. */
    record AlreadyComplete(PostcopyComplete confirmation) implements Reconnect {}

    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final Transport transport;
    private final HostPort to;
    private final Handshake handshake;
    private final byte[] migrationId;
    private final MigrationOptions options;

    PostcopyLinks(Transport transport, HostPort to, Handshake handshake, byte[] migrationId, MigrationOptions options) {
        this.transport = transport;
        this.to = to;
        this.handshake = handshake;
        this.migrationId = migrationId;
        this.options = options;
    }

    /** A new, authenticated request connection of this migration. */
    Connection openRequests() throws Exception {
        Connection requests = transport.connect(to, options.connectTimeout());
        try {
            handshake.sourceSide(requests, options.replyTimeout());
            requests.send(new PostcopyAttach(migrationId));
            requests.allowIdle(); // quiet while the guest touches only pages it has
            return requests;
        } catch (Exception e) {
            requests.close();
            throw e;
        }
    }

    /**
     * Reconnects after a broken link, trying until {@code recoverTimeout} has passed since
     * {@code brokenAtNanos}. On {@link Resumed}, {@code toSend} holds exactly the lacking pages.
     *
     * @throws GuestLostException when the destination stayed unreachable or said it gave the guest up
     */
    Reconnect reconnect(long brokenAtNanos, Duration recoverTimeout, PagesToSend toSend, Throwable cause)
            throws GuestLostException, InterruptedException {
        long deadline = brokenAtNanos + recoverTimeout.toNanos();
        Throwable last = cause;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                Reconnect result = tryOnce(toSend, deadline);
                if (result != null) return result;
            } catch (GuestLostException e) {
                throw e;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new GuestLostException("the link to the destination broke during post-copy (" + Errors.describe(cause)
                        + ") and it stayed unreachable for " + recoverTimeout.toMillis() + " ms (" + attempts + " attempts, last: "
                        + Errors.describe(last) + "); the guest is lost");
            }
            Thread.sleep(Math.min(RETRY_PAUSE.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }

    private Reconnect tryOnce(PagesToSend toSend, long deadline) throws Exception {
        Duration connectTimeout = shorter(options.connectTimeout(), deadline);
        Connection main = transport.connect(to, connectTimeout);
        boolean keep = false;
        try {
            handshake.sourceSide(main, options.replyTimeout());
            main.send(new PostcopyResume(migrationId));
            toSend.clear();
            long marked = 0;
            while (true) {
                Message m = main.receive(options.replyTimeout());
                try {
                    if (m instanceof MissingMap map) {
                        marked += toSend.add(map);
                    } else if (m instanceof PostcopyResumeAck ack) {
                        if (ack.missingPages() != marked) {
                            throw new ProtocolException("the destination lacks " + ack.missingPages() + " pages, its maps mark " + marked);
                        }
                        Connection requests = openRequests();
                        keep = true;
                        return new Resumed(main, requests, marked);
                    } else if (m instanceof Outcome outcome && !outcome.committed()) {
                        return new NeverSwitched();
                    } else if (m instanceof PostcopyComplete done) {
                        return new AlreadyComplete(done);
                    } else if (m instanceof Abort abort) {
                        throw new GuestLostException("the destination gave the guest up: " + abort.reason());
                    } else if (m instanceof Refuse refuse) {
                        throw new MigrationException("the destination refused the resume: " + refuse.reason());
                    } else {
                        throw new ProtocolException("unexpected " + m.type() + " in answer to POSTCOPY_RESUME");
                    }
                } finally {
                    ReferenceCountUtil.release(m);
                }
            }
        } finally {
            if (!keep) main.close();
        }
    }

    private static Duration shorter(Duration timeout, long deadlineNanos) {
        long left = Math.max(1_000_000, deadlineNanos - System.nanoTime());
        return timeout.toNanos() < left ? timeout : Duration.ofNanos(left);
    }
}
