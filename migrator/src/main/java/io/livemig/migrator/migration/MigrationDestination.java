package io.livemig.migrator.migration;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.ChannelAttach;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.OutcomeQuery;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import java.util.function.Consumer;

/**
 * The destination side of incoming migrations: the handshake, then one {@link DestinationSession}
 * per migration, a state machine stepped by each message
 * ({@code AWAIT_OFFER -> RECEIVING -> AWAIT_COMMIT -> [AWAIT_DIGEST_CHECK ->] RUNNING}). The guest
 * is built from the offer, filled by page batches, checked against the source's digest, and
 * started only on COMMIT; any failure before that discards it, so it never runs here. It also
 * keeps the {@link Outcomes} of past migrations, to answer a source left in doubt.
 */
public final class MigrationDestination {
    /**
     * What an incoming migration delivered: the guest (running, unless the digest check after
     * resume found a mismatch and stopped it), the figures of its arrival and the digest verdict.
     */
    public record Incoming(VirtualMachine vm, int rounds, long pagesReceived, long bytesReceived,
                           long resumedAtNanos, double verifyMs, DigestVerdict digest) {
        public boolean digestVerified() {
            return digest.verified();
        }
    }

    /** The points an incoming migration passes, in order; a {@code phases} listener hears each. */
    public enum Phase { HANDSHAKE_DONE, FIRST_PAGES_LOADED, STOP_AND_COPY_RECEIVED, READY_SENT }

    private final DestinationOptions options;
    private final Handshake handshake;
    private final Consumer<Phase> phases;
    private final Outcomes outcomes = new Outcomes();
    private final ChannelRegistry channels = new ChannelRegistry();

    public MigrationDestination(DestinationOptions options, Handshake handshake) {
        this(options, handshake, phase -> { });
    }

    /** @param phases told of each {@link Phase} as it is reached (fault injection, progress) */
    public MigrationDestination(DestinationOptions options, Handshake handshake, Consumer<Phase> phases) {
        this.options = options;
        this.handshake = handshake;
        this.phases = phases;
    }

    /** A connection that asked about an earlier migration's outcome and got its answer: not a migration. */
    public static final class OutcomeAnswered extends MigrationException {
        OutcomeAnswered(boolean committed) {
            super("answered an outcome query: " + (committed ? "committed" : "not committed"));
        }
    }

    /**
     * For connections that arrive while this destination is busy: after the handshake, answer an
     * outcome query, or refuse a guest offer as busy.
     */
    public void answerWhileBusy(Connection connection, String busyReason) throws MigrationException, InterruptedException {
        try {
            handshake.destinationSide(connection, options.messageTimeout());
            Message first = connection.receive(options.messageTimeout());
            ReferenceCountUtil.release(first);
            if (first instanceof OutcomeQuery query) {
                boolean committed = outcomes.answer(query.migrationId());
                connection.send(new Outcome(committed)).await(options.messageTimeout().toMillis());
                throw new OutcomeAnswered(committed);
            }
            if (first instanceof ChannelAttach attach) {
                serveDataChannel(connection, attach);
                return;
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
     * the migration id): loads its pages on this thread until the migration closes it.
     */
    private void serveDataChannel(Connection connection, ChannelAttach attach) throws Exception {
        DestinationChannels set = channels.get(attach.migrationId());
        DataChannelLoader loader = set == null ? null : set.attach(attach.index(), connection, options.messageTimeout());
        if (loader == null) {
            connection.send(new Refuse("no migration here waits for data channel " + attach.index() + " of that id"))
                    .await(options.messageTimeout().toMillis());
            throw new MigrationException("refused a data channel: no migration waits for it");
        }
        connection.send(new Accept());
        loader.run();
    }

    /**
     * Runs one incoming migration on an accepted connection: the handshake, then a
     * {@link DestinationSession} stepped by each message until the guest runs here.
     *
     * @return the guest, RUNNING here (or, if the digest check after resume found a mismatch, stopped)
     * @throws MigrationException when it did not arrive; nothing of it is kept
     */
    public Incoming receive(Connection connection, String vmName) throws MigrationException, InterruptedException {
        DestinationSession session = null;
        try {
            byte[] migrationId = handshake.destinationSide(connection, options.messageTimeout());
            phases.accept(Phase.HANDSHAKE_DONE);
            session = new DestinationSession(options, outcomes, phases, connection, vmName, migrationId, channels);
            return session.run();
        } catch (MigrationException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            try {
                connection.send(Abort.because(Errors.describe(e)));
            } catch (Exception ignored) {
                // The source may be gone already.
            }
            throw new MigrationException(Errors.describe(e), e);
        } finally {
            if (session != null) session.close();
        }
    }
}
