package io.livemig.migrator.migration;

import io.livemig.emulator.GuestProgram;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.ClockProbe;
import io.livemig.migrator.protocol.LatencyRequest;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.ChannelPlan;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.DigestCheck;
import io.livemig.migrator.protocol.GuestName;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.LinkProbe;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.OutcomeQuery;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PostcopyPrepare;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.PageLoader;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.RoundAck;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One incoming migration after the handshake, as a state machine: every message read goes through
 * {@link #step}, which checks for the source's {@code Abort} first, then hands the message to the
 * current state, whose one fallback names the message that is invalid there.
 *
 * <pre>
 *   AWAIT_OFFER  --GuestName (kept; at most once)---------------------------&gt; AWAIT_OFFER
 *   AWAIT_OFFER  --GuestOffer (admitted; Accept)----------------------------&gt; RECEIVING
 *   RECEIVING    --RoundEnd (RoundAck) / VcpuState--------------------------&gt; RECEIVING
 *   RECEIVING    --ChannelPlan (data channels carry the pages)--------------&gt; RECEIVING
 *   RECEIVING    --PostcopyPrepare / MissingMap (post-copy may follow)------&gt; RECEIVING
 *   RECEIVING    --PostcopyStart (guest started; pages by request and push,
 *                  until the last is in and verified: DestinationPostcopy)-&gt; RUNNING
 *   RECEIVING    --StopAndCopyDone (digest checked; Ready)-----------------&gt; AWAIT_COMMIT
 *   RECEIVING    --ClockProbe (ClockReply, at once)------------------------&gt; RECEIVING
 *   AWAIT_COMMIT --Commit (guest started; Resumed)-------------------------&gt; AWAIT_LATENCY_REQUEST
 *                                               or, with the check after resume, AWAIT_DIGEST_CHECK
 *   AWAIT_DIGEST_CHECK --DigestCheck (ours back; mismatch stops the guest)--&gt; AWAIT_LATENCY_REQUEST
 *   AWAIT_LATENCY_REQUEST --LatencyRequest (after its window, LatencyReport)--&gt; RUNNING
 *   AWAIT_DIGEST_CHECK, AWAIT_LATENCY_REQUEST --ClockProbe (ClockReply)-----&gt; the same state
 *   AWAIT_OFFER  --OutcomeQuery (Outcome) / LinkProbe... (LinkProbeReply per burst)--&gt; ends, no guest
 * </pre>
 *
 * Page batches never reach a state: an {@link EventLoopPageLoader} loads them on the connection's
 * event loop, from the offer's {@code Accept} until {@code StopAndCopyDone} or {@code PostcopyStart}.
 * Any failure before COMMIT throws, and the caller discards the guest: it never ran here. After
 * COMMIT the guest is ours; a failed digest check after resume leaves it unverified (or, on a
 * mismatch, stopped) without throwing: the {@link DigestVerdict} goes back in the {@code Incoming},
 * and a missing latency request only leaves the source without the "after" figures. Not
 * thread-safe: one thread steps it.
 */
final class DestinationSession {
    /** Where the incoming migration stands; {@code RUNNING} is final. */
    enum State { AWAIT_OFFER, RECEIVING, AWAIT_COMMIT, AWAIT_DIGEST_CHECK, AWAIT_LATENCY_REQUEST, RUNNING }


    private final DestinationOptions options;
    private final PageLoader loader = new PageLoader();
    private final Outcomes outcomes;
    private final Consumer<MigrationDestination.Phase> phases;
    private final Connection connection;
    private final String vmName;
    private final byte[] migrationId;
    private final IncomingAdmission admission;

    /** The name the source gave ({@code GuestName}), or null. */
    private String requestedName;
    /** Admitted by {@link #admission} under this name and offer: given back if the guest never starts. */
    private String admittedName;
    private GuestOffer admittedOffer;
    private State state = State.AWAIT_OFFER;
    private VirtualMachine vm;
    private PageDigests digests;
    /** The page stream on the main connection, loaded on its event loop until the stop-and-copy ends or post-copy starts. */
    private EventLoopPageLoader stream;
    private IncomingVcpuStates vcpuStates;
    private int rounds;
    private long pagesReceived;
    private long bytesReceived;
    /** The pre-copy handover, from STOP_AND_COPY_DONE on. */
    private DestinationHandover handover;
    /** Set by POSTCOPY_PREPARE: this migration may switch to post-copy. */
    private PostcopyArrival arrival;
    private DestinationPostcopy.Result postcopy;
    /** Set as the guest starts here in post-copy: from then on it is ours. */
    private boolean postcopyStarted;
    private long postcopyResumedAtNanos;
    private final PostcopyDoor door;

    /** Data channels of this migration, once the offer is accepted; inactive until a CHANNEL_PLAN. */
    private DestinationChannels channels;
    private final ChannelRegistry registry;

    DestinationSession(DestinationOptions options, Outcomes outcomes, Consumer<MigrationDestination.Phase> phases,
                       Connection connection, String vmName, byte[] migrationId, PostcopyDoor door) {
        this(options, outcomes, phases, connection, vmName, migrationId, door, IncomingAdmission.ANY, new ChannelRegistry());
    }

    DestinationSession(DestinationOptions options, Outcomes outcomes, Consumer<MigrationDestination.Phase> phases,
                       Connection connection, String vmName, byte[] migrationId, PostcopyDoor door, IncomingAdmission admission,
                       ChannelRegistry registry) {
        this.admission = admission;
        this.registry = registry;
        this.options = options;
        this.outcomes = outcomes;
        this.phases = phases;
        this.connection = connection;
        this.vmName = vmName;
        this.migrationId = migrationId;
        this.door = door;
    }

    State state() {
        return state;
    }

    /** Steps {@code first}, a message already read (never a page batch: it comes before any), then as {@link #run()}. */
    MigrationDestination.Incoming run(Message first) throws Exception {
        try {
            state = step(first);
        } finally {
            ReferenceCountUtil.release(first);
        }
        return run();
    }

    /** Reads and steps messages until the guest runs here. */
    MigrationDestination.Incoming run() throws Exception {
        while (state != State.RUNNING) {
            try {
                Message message = receive();
                try {
                    state = step(message);
                } finally {
                    ReferenceCountUtil.release(message);
                }
            } catch (Exception e) {
                if (state != State.AWAIT_DIGEST_CHECK && state != State.AWAIT_LATENCY_REQUEST) throw e;
                // After COMMIT the guest is ours: without the source's digest it keeps running, unverified;
                // without its latency request, the source simply goes without the "after" figures.
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                if (state == State.AWAIT_DIGEST_CHECK) handover.notVerified(Errors.describe(e));
                state = State.RUNNING;
            }
        }
        if (postcopy != null) {
            return new MigrationDestination.Incoming(vm, rounds, pagesReceived, bytesReceived, postcopyResumedAtNanos, 0,
                    DigestVerdict.matched(), null, postcopy.faults()); // a mismatch after post-copy loses the guest: DestinationPostcopy throws
        }
        handover.closeLatency();
        return handover.incoming(rounds, pagesReceived, bytesReceived);
    }

    /** Discards the guest unless it started: call when the migration ends, however it ends. */
    void close() {
        if (handover != null) handover.closeLatency();
        door.endIfOpen("the migration ended");
        if (stream != null) stream.detach(); // before the loader and the guest's memory go
        loader.close();
        registry.remove(migrationId);
        if (channels != null) {
            try {
                channels.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (postcopyStarted || handover != null && handover.started()) return;
        if (vm != null) vm.close();
        if (handover != null && handover.pending()) outcomes.abandon(migrationId);
        if (admittedOffer != null) admission.discard(admittedName, admittedOffer);
    }

    /** One message in the current state; returns the next state. The source's Abort ends any state before RUNNING. */
    State step(Message message) throws Exception {
        if (message instanceof Abort abort) {
            if (state == State.AWAIT_LATENCY_REQUEST) return State.RUNNING;
            if (state == State.AWAIT_DIGEST_CHECK) {
                handover.notVerified("the source aborted the digest check: " + abort.reason());
                return State.RUNNING;
            }
            throw new MigrationException("the source aborted: " + abort.reason());
        }
        return switch (state) {
            case AWAIT_OFFER -> awaitingOffer(message);
            case RECEIVING -> receiving(message);
            case AWAIT_COMMIT -> awaitingCommit(message);
            case AWAIT_DIGEST_CHECK -> awaitingDigestCheck(message);
            case AWAIT_LATENCY_REQUEST -> awaitingLatencyRequest(message);
            case RUNNING -> throw invalid(message);
        };
    }

    private Message receive() throws Exception {
        long timeoutMs = options.messageTimeout().toMillis();
        switch (state) {
            case AWAIT_COMMIT:
                return Replies.receive(connection, options.messageTimeout(), "COMMIT", "the handover");
            case AWAIT_DIGEST_CHECK:
                return Replies.receive(connection, options.messageTimeout(), "DIGEST_CHECK", "the digest check");
            default:
                while (true) {
                    try {
                        return connection.receive(options.messageTimeout());
                    } catch (TimeoutException e) {
                        // With data channels the control connection is quiet for a whole round.
                        if (state == State.RECEIVING && channels.progressedWithin(options.messageTimeout())) continue;
                        throw new MigrationException(state == State.AWAIT_OFFER ? "no guest offer within " + timeoutMs + " ms"
                                : "the source went silent for " + timeoutMs + " ms");
                    }
                }
        }
    }

    /** The first message after the handshake: a guest offer, or a question about an earlier migration. */
    private State awaitingOffer(Message message) throws Exception {
        if (message instanceof GuestName name) {
            if (requestedName != null) throw new ProtocolException("GUEST_NAME sent twice");
            requestedName = name.name();
            return State.AWAIT_OFFER;
        }
        if (message instanceof GuestOffer offer) {
            GuestProgram program = new OfferAdmission(options).admit(connection, offer);
            IncomingAdmission.Decision decision = admission.admit(requestedName, offer);
            if (!decision.admitted()) {
                connection.send(new io.livemig.migrator.protocol.Refuse(decision.refusal()));
                throw new MigrationException("refused: " + decision.refusal());
            }
            connection.admitted(); // authenticated and accepted: the listener's handshake deadline no longer applies
            admittedName = decision.name();
            admittedOffer = offer;
            ArrivingGuest guest = ArrivingGuest.prepare(admittedName != null ? admittedName : vmName, offer, program, options);
            vm = guest.vm();
            digests = guest.digests();
            vcpuStates = new IncomingVcpuStates(vm.config().vcpus());
            channels = new DestinationChannels(vm, digests, () -> phases.accept(MigrationDestination.Phase.FIRST_PAGES_LOADED));
            registry.put(migrationId, channels);
            // Its batches mark progress as a data channel's do: the first, on either path, is FIRST_PAGES_LOADED.
            stream = new EventLoopPageLoader(loader, guest.sink(), m -> m instanceof StopAndCopyDone || m instanceof PostcopyStart,
                    channels::pagesLoaded).attach(connection); // before Accept: no batch comes earlier
            connection.send(new Accept());
            return State.RECEIVING;
        }
        if (message instanceof OutcomeQuery query) {
            boolean committed = outcomes.answer(query.migrationId());
            connection.send(new Outcome(committed)).await(options.messageTimeout().toMillis());
            throw new MigrationDestination.OutcomeAnswered(committed);
        }
        if (message instanceof LinkProbe probe) LinkProbeResponder.answer(connection, probe);
        throw new ProtocolException("expected GUEST_OFFER after the handshake, got " + message.type());
    }

    /** Page batches, round ends and vCPU states until STOP_AND_COPY_DONE. */
    private State receiving(Message message) throws Exception {
        if (message instanceof RoundEnd end) {
            if (end.round() != rounds) {
                throw new ProtocolException("end of round " + end.round() + " where round " + rounds + " was expected");
            }
            loadedThrough(end.round());
            rounds++;
            connection.send(new RoundAck(end.round(), pagesReceived));
            return State.RECEIVING;
        }
        if (message instanceof ChannelPlan plan) {
            if (rounds > 0 || stream.pages() > 0) throw new ProtocolException("CHANNEL_PLAN after pages arrived");
            if (arrival != null) throw new ProtocolException("CHANNEL_PLAN on a migration that may switch to post-copy");
            channels.expect(plan.channels());
            connection.allowIdle(); // quiet while the channels carry a round; theirs show a stalled link
            return State.RECEIVING;
        }
        if (message instanceof VcpuState vcpu) {
            vcpuStates.accept(vcpu);
            return State.RECEIVING;
        }
        if (message instanceof StopAndCopyDone done) return stopAndCopyDone(done);
        if (answeredClockProbe(message)) return State.RECEIVING;
        if (message instanceof PostcopyPrepare) {
            if (arrival != null) throw new ProtocolException("POSTCOPY_PREPARE sent twice");
            if (!admittedOffer.mode().mayUsePostcopy()) throw new ProtocolException("POSTCOPY_PREPARE after a precopy offer");
            // A page still in flight on a data channel could land after the guest started here.
            if (channels.active()) throw new ProtocolException("POSTCOPY_PREPARE on a migration with data channels");
            arrival = new PostcopyArrival(vm.memory().pageCount());
            PostcopyWarmUp.destinationSide(connection.alloc()); // now, not in the switch-over pause
            return State.RECEIVING;
        }
        if (message instanceof MissingMap map) {
            requirePostcopy(message);
            arrival.map(map);
            return State.RECEIVING;
        }
        if (message instanceof PostcopyStart start) {
            requirePostcopy(message);
            return switchToPostcopy(start);
        }
        throw new ProtocolException("unexpected " + message.type() + " while receiving pages");
    }

    /**
     * The pages and bytes loaded through round {@code round}: once every data channel delivered
     * it, or, on one connection, as its end is received (every batch before it is loaded then).
     */
    private void loadedThrough(int round) throws MigrationException, InterruptedException {
        if (channels.active()) {
            pagesReceived = channels.awaitRound(round, options.messageTimeout());
            bytesReceived = channels.bytesLoaded();
        } else {
            pagesReceived = stream.pages();
            bytesReceived = stream.bytes();
        }
    }

    private void requirePostcopy(Message message) {
        if (arrival == null) throw new ProtocolException(message.type() + " without POSTCOPY_PREPARE");
    }

    /**
     * The switch: the guest starts here with pages missing (the point of no return: from now on it
     * is ours, as after COMMIT), then {@link DestinationPostcopy} runs until the last page is in.
     */
    private State switchToPostcopy(PostcopyStart start) throws Exception {
        PostcopyArrival.Ready ready = arrival.ready(start, vm, vcpuStates.all("post-copy switch"), digests);
        DestinationPostcopy phase = new DestinationPostcopy(options, connection, door, vm, ready.missing(), ready.requester(),
                digests, Duration.ofMillis(start.recoverTimeoutMillis()));
        postcopyResumedAtNanos = phase.startGuest(); // as the vCPUs are released (up to 2 ms earlier than after)
        postcopyStarted = true;
        outcomes.pending(migrationId);
        outcomes.commit(migrationId);
        phases.accept(MigrationDestination.Phase.POSTCOPY_STARTED);
        try {
            connection.send(new Resumed(postcopyResumedAtNanos, 0));
        } catch (Exception e) {
            // the link broke at the switch: post-copy pauses and waits for the source to come back
        }
        arrival.checkCount(start, phase);
        postcopy = phase.run();
        loadedThrough(rounds);
        pagesReceived += postcopy.pagesLoaded();
        bytesReceived += postcopy.bytesReceived();
        return State.RUNNING;
    }

    /** Everything is here: the handover begins (the digest is checked unless it comes after resume; READY). */
    private State stopAndCopyDone(StopAndCopyDone done) throws Exception {
        List<io.livemig.emulator.VcpuState> states = vcpuStates.all("stop-and-copy ended");
        loadedThrough(rounds); // on data channels, the last pages end with the stop-and-copy's round number
        if (channels.active()) channels.close(); // nothing may load into the guest from here on
        phases.accept(MigrationDestination.Phase.STOP_AND_COPY_RECEIVED);
        handover = DestinationHandover.ready(done, states, options, connection, outcomes, migrationId, vm, digests, phases);
        return State.AWAIT_COMMIT;
    }

    /** READY was sent: only COMMIT may follow, and only COMMIT starts the guest. */
    private State awaitingCommit(Message message) throws Exception {
        if (!(message instanceof Commit)) throw invalid(message);
        return handover.commit() ? State.AWAIT_DIGEST_CHECK : State.AWAIT_LATENCY_REQUEST;
    }

    /** The source measures the clocks' offset while pages flow, and again once the guest resumed here. */
    private boolean answeredClockProbe(Message message) throws Exception {
        if (!(message instanceof ClockProbe probe)) return false;
        connection.send(ClockSync.answer(probe, options.clock()));
        return true;
    }

    private State awaitingLatencyRequest(Message message) throws Exception {
        if (answeredClockProbe(message)) return State.AWAIT_LATENCY_REQUEST;
        if (!(message instanceof LatencyRequest request)) throw invalid(message);
        handover.latencyRequest(request);
        return State.RUNNING;
    }

    private State awaitingDigestCheck(Message message) throws Exception {
        if (answeredClockProbe(message)) return State.AWAIT_DIGEST_CHECK;
        if (!(message instanceof DigestCheck source)) throw invalid(message);
        handover.digestCheck(source);
        return State.AWAIT_LATENCY_REQUEST;
    }

    private MigrationException invalid(Message message) {
        String expected = switch (state) {
            case AWAIT_COMMIT -> "COMMIT during the handover";
            case AWAIT_DIGEST_CHECK -> "DIGEST_CHECK during the digest check";
            case AWAIT_LATENCY_REQUEST -> "LATENCY_REQUEST after the handover";
            default -> "no message";
        };
        return new MigrationException("protocol error: expected " + expected + ", got " + message.type(),
                new ProtocolException("unexpected " + message.type()));
    }
}
