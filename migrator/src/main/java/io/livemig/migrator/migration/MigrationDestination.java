package io.livemig.migrator.migration;

import io.livemig.emulator.FaultFigures;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.ChannelAttach;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.OutcomeQuery;
import io.livemig.migrator.protocol.PostcopyAttach;
import io.livemig.migrator.protocol.PostcopyResume;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import java.util.function.Consumer;

/**
 * The destination side of incoming migrations: the handshake, then one {@link DestinationSession}
 * per migration, a state machine stepped by each message
 * ({@code AWAIT_OFFER -> RECEIVING -> AWAIT_COMMIT -> [AWAIT_DIGEST_CHECK ->] AWAIT_LATENCY_REQUEST
 * -> RUNNING}, or {@code RECEIVING -> RUNNING} at a post-copy switch). The guest is built from the
 * offer, filled by page batches, checked against the source's digest (unless the check comes after
 * resume), and started only on COMMIT, or at {@code PostcopyStart} in post-copy; any failure before
 * that discards it, so it never runs here. It also keeps the {@link Outcomes} of past migrations,
 * to answer a source left in doubt.
 */
public final class MigrationDestination {
    /**
     * What an incoming migration delivered: the guest (running, unless the digest check after
     * resume found a mismatch and stopped it), the figures of its arrival ({@code resumedAtNanos} on
     * this host's monotonic clock), the digest verdict, and {@code afterLatency}: the guest's
     * operation latencies over the window the source asked for (null if it asked for none).
     */
    public record Incoming(VirtualMachine vm, int rounds, long pagesReceived, long bytesReceived,
                           long resumedAtNanos, double verifyMs, DigestVerdict digest,
                           io.livemig.migrator.protocol.LatencyReport.LatencySummary afterLatency,
                           FaultFigures postcopyFaults) {
        public boolean digestVerified() {
            return digest.verified();
        }

        /** Whether the guest came by post-copy (then {@code postcopyFaults} says what missing pages cost it). */
        public boolean viaPostcopy() { return postcopyFaults != null; }
    }

    /** The points an incoming migration passes, in order; a {@code phases} listener hears each. */
    public enum Phase { HANDSHAKE_DONE, FIRST_PAGES_LOADED, STOP_AND_COPY_RECEIVED, READY_SENT, POSTCOPY_STARTED }

    private final DestinationOptions options;
    private final Handshake handshake;
    private final Consumer<Phase> phases;
    private final Outcomes outcomes = new Outcomes();
    private final PostcopyDoors doors;
    private final IncomingAdmission admission;
    private final ChannelRegistry channels = new ChannelRegistry();

    public MigrationDestination(DestinationOptions options, Handshake handshake) {
        this(options, handshake, phase -> { });
    }

    /** @param phases told of each {@link Phase} as it is reached (fault injection, progress) */
    public MigrationDestination(DestinationOptions options, Handshake handshake, Consumer<Phase> phases) {
        this(options, handshake, phases, IncomingAdmission.ANY);
    }

    /**
     * @param admission decides on each offered guest after the destination's own checks (a host
     *                  agent's names and memory budget); it may be called from several threads,
     *                  since {@link #receive} may run on several at once
     */
    public MigrationDestination(DestinationOptions options, Handshake handshake, Consumer<Phase> phases,
                                IncomingAdmission admission) {
        this.options = options;
        this.handshake = handshake;
        this.phases = phases;
        this.doors = new PostcopyDoors(options.messageTimeout());
        this.admission = admission;
    }

    /** A connection that asked about an earlier migration's outcome and got its answer: not a migration. */
    public static final class OutcomeAnswered extends MigrationException {
        OutcomeAnswered(boolean committed) {
            super("answered an outcome query: " + (committed ? "committed" : "not committed"));
        }
    }

    /** A connection that probed the link ({@code LinkProbe}) and got its answers: not a migration. */
    public static final class ProbeAnswered extends MigrationException {
        ProbeAnswered(int bursts, long bytes) {
            super(String.format(java.util.Locale.ROOT, "answered a link probe (%d bursts, %.1f MiB)", bursts, bytes / 1048576.0));
        }
    }

    /**
     * For connections that arrive while this destination is busy: after the handshake, answer an
     * outcome query, hand a post-copy connection (request channel, or a source back after a broken
     * link) to its migration, serve a data channel of the migration in progress (until it ends), or
     * refuse a guest offer as busy.
     *
     * @return true when the connection was handed to a running migration: the caller must not close it
     */
    public boolean answerWhileBusy(Connection connection, String busyReason) throws MigrationException, InterruptedException {
        try {
            handshake.destinationSide(connection, options.messageTimeout());
            Message first = connection.receive(options.messageTimeout());
            ReferenceCountUtil.release(first);
            if (first instanceof PostcopyAttach attach) {
                connection.admitted(); // authenticated, and its migration's now: no handshake deadline
                connection.allowIdle(); // the request connection is quiet while no page is missing
                doors.attach(attach.migrationId(), connection);
                return true;
            }
            if (first instanceof PostcopyResume resume) {
                connection.admitted();
                doors.resume(resume.migrationId(), connection);
                return true;
            }
            if (first instanceof OutcomeQuery query) {
                boolean committed = outcomes.answer(query.migrationId());
                connection.send(new Outcome(committed)).await(options.messageTimeout().toMillis());
                throw new OutcomeAnswered(committed);
            }
            if (first instanceof ChannelAttach attach) {
                serveDataChannel(connection, attach);
                return false;
            }
            connection.send(new Refuse(busyReason)).await(options.messageTimeout().toMillis());
            throw new MigrationException("refused: " + busyReason);
        } catch (MigrationException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationException(Errors.describe(e), e);
        }
    }

    /**
     * A data channel of the migration in progress (authenticated by the handshake above, bound by
     * the migration id): loads its pages (on the connection's event loop) until the migration closes it.
     */
    private void serveDataChannel(Connection connection, ChannelAttach attach) throws Exception {
        DestinationChannels set = channels.get(attach.migrationId());
        DataChannelLoader loader = set == null ? null : set.attach(attach.index(), connection, options.messageTimeout());
        if (loader == null) {
            connection.send(new Refuse("no migration here waits for data channel " + attach.index() + " of that id"))
                    .await(options.messageTimeout().toMillis());
            throw new MigrationException("refused a data channel: no migration waits for it");
        }
        connection.admitted(); // authenticated, and its migration's now: no handshake deadline
        loader.run();
    }

    /**
     * Runs one incoming migration on an accepted connection: the handshake, then a
     * {@link DestinationSession} stepped by each message until the guest runs here. Thread-safe:
     * several incoming migrations may run at once, each on its own thread.
     *
     * @return the guest, RUNNING here (or, if the digest check after resume found a mismatch, stopped)
     * @throws MigrationException when it did not arrive; nothing of it is kept
     */
    public Incoming receive(Connection connection, String vmName) throws MigrationException, InterruptedException {
        DestinationSession session = null;
        try {
            byte[] migrationId = handshake.destinationSide(connection, options.messageTimeout());
            phases.accept(Phase.HANDSHAKE_DONE);
            session = new DestinationSession(options, outcomes, phases, connection, vmName, migrationId, doors.open(migrationId),
                    admission, channels);
            return session.run();
        } catch (MigrationException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw abortedBy(connection, e);
        } finally {
            if (session != null) session.close();
        }
    }
    /**
     * For a host agent, where every connection may be a migration of its own: after the handshake,
     * a post-copy connection (the request channel, or a source back after a broken link) is handed
     * to its migration; anything else runs as {@link #receive} does, several at once.
     *
     * @return the guest (as {@link #receive}), or null when the connection was handed to a running
     *         migration: then the caller must not close it
     * @throws MigrationException when no guest arrived; nothing of it is kept
     */
    public Incoming receiveOrRoute(Connection connection, String vmName) throws MigrationException, InterruptedException {
        DestinationSession session = null;
        try {
            byte[] migrationId = handshake.destinationSide(connection, options.messageTimeout());
            Message first;
            try {
                first = connection.receive(options.messageTimeout());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new MigrationException("no guest offer within " + options.messageTimeout().toMillis() + " ms");
            }
            if (first instanceof PostcopyAttach attach) {
                connection.admitted(); // authenticated, and its migration's now: no handshake deadline
                connection.allowIdle(); // the request connection is quiet while no page is missing
                doors.attach(attach.migrationId(), connection);
                return null;
            }
            if (first instanceof PostcopyResume resume) {
                connection.admitted();
                doors.resume(resume.migrationId(), connection);
                return null;
            }
            if (first instanceof ChannelAttach attach) {
                try {
                    serveDataChannel(connection, attach);
                } finally {
                    connection.close();
                }
                return null;
            }
            phases.accept(Phase.HANDSHAKE_DONE);
            session = new DestinationSession(options, outcomes, phases, connection, vmName, migrationId, doors.open(migrationId),
                    admission, channels);
            return session.run(first); // the first message after the handshake is never a page batch
        } catch (MigrationException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw abortedBy(connection, e);
        } finally {
            if (session != null) session.close();
        }
    }

    /** Tells the source why this incoming migration ends here, as far as it still listens. */
    private static MigrationException abortedBy(Connection connection, Exception e) {
        try {
            connection.send(Abort.because(Errors.describe(e)));
        } catch (Exception ignored) {
            // The source may be gone already.
        }
        return new MigrationException(Errors.describe(e), e);
    }
}
