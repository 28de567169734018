package io.livemig.migrator.migration;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestProgram;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.DigestCheck;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.OutcomeQuery;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.Ready;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.RoundAck;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The destination side of one incoming migration, as a state machine stepped by each message:
 * {@code HANDSHAKE -> OFFER -> RECEIVING -> VERIFIED -> RUNNING}. The guest is built from the
 * offer, filled by page batches, checked against the source's digest, and started only on COMMIT;
 * any failure before that discards it, so it never runs here.
 */
public final class MigrationDestination {
    /** What an incoming migration delivered: the running guest and the figures of its arrival. */
    public record Incoming(VirtualMachine vm, int rounds, long pagesReceived, long bytesReceived,
                           long resumedAtNanos, double verifyMs, boolean digestVerified) {}

    /** The points an incoming migration passes, in order; a {@code phases} listener hears each. */
    public enum Phase { HANDSHAKE_DONE, FIRST_PAGES_LOADED, STOP_AND_COPY_RECEIVED, READY_SENT }

    private final DestinationOptions options;
    private final Handshake handshake;
    private final Consumer<Phase> phases;
    private final Outcomes outcomes = new Outcomes();

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
            connection.send(new Refuse(busyReason)).await(options.messageTimeout().toMillis());
            throw new MigrationException("refused: " + busyReason);
        } catch (MigrationException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationException(Errors.describe(e), e);
        }
    }

    /**
     * Runs one incoming migration on an accepted connection.
     *
     * @return the guest, RUNNING here
     * @throws MigrationException when it did not arrive; nothing of it is kept
     */
    public Incoming receive(Connection connection, String vmName) throws MigrationException, InterruptedException {
        VirtualMachine vm = null;
        boolean started = false;
        byte[] pendingId = null;
        try {
            byte[] migrationId = handshake.destinationSide(connection, options.messageTimeout());
            phases.accept(Phase.HANDSHAKE_DONE);
            GuestOffer offer = offerOrOutcomeQuery(connection);
            GuestProgram program = admit(connection, offer);
            vm = VirtualMachine.incoming(vmName, new GuestConfig(offer.memoryBytes(), offer.pageSize(), offer.vcpus()), program);
            connection.send(new Accept());
            Receiving receiving = new Receiving(vm);
            StopAndCopyDone done = receiving.run(connection);
            phases.accept(Phase.STOP_AND_COPY_RECEIVED);
            long verifyStart = System.nanoTime();
            // With the check after resume the digest waits too: the recorded page CRCs do not change
            // once loading is over, so they still describe the memory as it was at resume.
            long digest = done.digestAfterResume() ? 0 : receiving.digests.digest();
            double verifyMs = (System.nanoTime() - verifyStart) / 1e6;
            if (!done.digestAfterResume() && digest != done.memoryDigest()) {
                String reason = "memory digest mismatch after stop-and-copy: destination "
                        + Long.toHexString(digest) + ", source " + Long.toHexString(done.memoryDigest());
                connection.send(Abort.because(reason));
                throw new MigrationException(reason);
            }
            vm.loadVcpuStates(receiving.states());
            outcomes.pending(migrationId);
            pendingId = migrationId;
            connection.send(new Ready()).await(options.messageTimeout().toMillis());
            phases.accept(Phase.READY_SENT);
            Replies.expect(connection, Commit.class, options.messageTimeout(), "the handover");
            if (!outcomes.commit(migrationId)) {
                throw new MigrationException("COMMIT arrived after the source was told this destination would not run the guest");
            }
            vm.start();
            started = true;
            long resumedAt = System.nanoTime();
            long firstOp = awaitFirstOp(vm);
            try {
                connection.send(new Resumed(resumedAt, firstOp));
            } catch (Exception e) {
                // The guest is ours after COMMIT: a lost confirmation only costs the source its figures.
            }
            boolean verified = !done.digestAfterResume() || checkDigestAfterResume(connection, receiving.digests.digest(), vm);
            return new Incoming(vm, receiving.rounds, receiving.pagesReceived, receiving.bytes, resumedAt, verifyMs, verified);
        } catch (MigrationException e) {
            throw e;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            try {
                connection.send(Abort.because(Errors.describe(e)));
            } catch (Exception ignored) {
                // The source may be gone already.
            }
            throw new MigrationException(Errors.describe(e), e);
        } finally {
            if (vm != null && !started) vm.close();
            if (pendingId != null && !started) outcomes.abandon(pendingId);
        }
    }

    /**
     * The deferred check, after resume: our digest at resume (recorded as pages landed) against the
     * source's at pause. A mismatch stops the guest: a guest with lost updates must not run on.
     */
    private boolean checkDigestAfterResume(Connection connection, long digest, VirtualMachine vm) throws InterruptedException {
        try {
            DigestCheck source = Replies.expect(connection, DigestCheck.class, options.messageTimeout(), "the digest check");
            connection.send(new DigestCheck(digest));
            if (source.memoryDigest() == digest) return true;
        } catch (Exception e) {
            // No digest from the source: the guest keeps running, unverified.
            return false;
        }
        vm.stop();
        return false;
    }

    /** The first message after the handshake: a guest offer, or a question about an earlier migration. */
    private GuestOffer offerOrOutcomeQuery(Connection connection) throws Exception {
        Message first;
        try {
            first = connection.receive(options.messageTimeout());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MigrationException("no guest offer within " + options.messageTimeout().toMillis() + " ms");
        }
        if (first instanceof GuestOffer offer) return offer;
        ReferenceCountUtil.release(first);
        if (first instanceof OutcomeQuery query) {
            boolean committed = outcomes.answer(query.migrationId());
            connection.send(new Outcome(committed)).await(options.messageTimeout().toMillis());
            throw new OutcomeAnswered(committed);
        }
        if (first instanceof Abort abort) throw new MigrationException("the source aborted: " + abort.reason());
        throw new ProtocolException("expected GUEST_OFFER after the handshake, got " + first.type());
    }

    private GuestProgram admit(Connection connection, GuestOffer offer) throws Exception {
        String refusal = null;
        GuestProgram program = null;
        if (offer.memoryBytes() > options.maxMemoryBytes()) {
            refusal = "guest memory of " + io.livemig.workloads.Sizes.human(offer.memoryBytes()) + " exceeds this destination's --max-memory of "
                    + io.livemig.workloads.Sizes.human(options.maxMemoryBytes());
        } else {
            try {
                new GuestConfig(offer.memoryBytes(), offer.pageSize(), offer.vcpus());
                program = options.programs().apply(offer.workloadSpec());
            } catch (IllegalArgumentException e) {
                refusal = "cannot host the guest: " + e.getMessage();
            }
        }
        if (refusal != null) {
            connection.send(new Refuse(refusal));
            throw new MigrationException("refused: " + refusal);
        }
        return program;
    }

    private long awaitFirstOp(VirtualMachine vm) throws InterruptedException {
        long deadline = System.nanoTime() + options.firstOpWait().toNanos();
        long first;
        while ((first = vm.firstOpMicrosSinceResume()) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(0, 200_000);
        }
        return first;
    }

    /** The RECEIVING state: page batches, round ends and vCPU states until STOP_AND_COPY_DONE. */
    private final class Receiving {
        private final VirtualMachine vm;
        private final GuestPages sink;
        final PageDigests digests;
        private final io.livemig.emulator.VcpuState[] states;
        int rounds;
        long pagesReceived;
        long bytes;

        Receiving(VirtualMachine vm) {
            this.vm = vm;
            this.digests = new PageDigests(vm.memory());
            this.sink = new GuestPages(vm.memory(), digests);
            this.states = new io.livemig.emulator.VcpuState[vm.config().vcpus()];
        }

        StopAndCopyDone run(Connection connection) throws Exception {
            while (true) {
                Message message;
                try {
                    message = connection.receive(options.messageTimeout());
                } catch (TimeoutException e) {
                    throw new MigrationException("the source went silent for " + options.messageTimeout().toMillis() + " ms");
                }
                try {
                    if (message instanceof PageBatch batch) {
                        if (batch.pageSize() != vm.memory().pageSize()) {
                            throw new ProtocolException("page batch of " + batch.pageSize() + "-byte pages, guest has "
                                    + vm.memory().pageSize());
                        }
                        boolean first = pagesReceived == 0;
                        pagesReceived += batch.pageCount();
                        this.bytes += batch.pageBytes();
                        batch.applyTo(sink);
                        if (first) phases.accept(Phase.FIRST_PAGES_LOADED);
                    } else if (message instanceof RoundEnd end) {
                        if (end.round() != rounds) {
                            throw new ProtocolException("end of round " + end.round() + " where round " + rounds + " was expected");
                        }
                        rounds++;
                        connection.send(new RoundAck(end.round(), pagesReceived));
                    } else if (message instanceof VcpuState state) {
                        accept(state);
                    } else if (message instanceof StopAndCopyDone done) {
                        for (int i = 0; i < states.length; i++) {
                            if (states[i] == null) throw new ProtocolException("stop-and-copy ended without the state of vCPU " + i);
                        }
                        return done;
                    } else if (message instanceof Abort abort) {
                        throw new MigrationException("the source aborted: " + abort.reason());
                    } else {
                        throw new ProtocolException("unexpected " + message.type() + " while receiving pages");
                    }
                } finally {
                    if (!(message instanceof PageBatch)) ReferenceCountUtil.release(message);
                }
            }
        }

        private void accept(VcpuState state) {
            if (state.vcpu() < 0 || state.vcpu() >= states.length) {
                throw new ProtocolException("state for vCPU " + state.vcpu() + " of a guest with " + states.length);
            }
            if (states[state.vcpu()] != null) throw new ProtocolException("state for vCPU " + state.vcpu() + " sent twice");
            states[state.vcpu()] = new io.livemig.emulator.VcpuState(state.vcpu(), state.registers());
        }

        List<io.livemig.emulator.VcpuState> states() {
            return new ArrayList<>(Arrays.asList(states));
        }
    }
}
