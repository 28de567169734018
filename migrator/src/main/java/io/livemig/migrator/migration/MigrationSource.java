package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationMode;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.StopReason;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;

/**
 * The source side of one live migration, as a sequence of phases sharing one {@link SourceSession}:
 * {@link SourceSetup}, {@link PrecopyRounds} (with the {@link StopRule}), {@link StopAndCopy} and
 * the two-phase {@link Handover} (with the {@link InDoubtResolver}); or, by {@code --mode}, the
 * {@link PostcopyPhase} instead of the last two (postcopy: right after setup; hybrid: when the
 * {@link PostcopySwitch} fires, unless pre-copy converged first). Before COMMIT is on the wire
 * any failure resumes the guest here, unthrottled; after it, the guest belongs to the destination
 * and never runs here again.
 *
 * <p>Not reusable: one instance per migration.
 */
public final class MigrationSource {
    private final VirtualMachine vm;
    private final ConvergencePolicy policy;
    private final MigrationOptions options;
    private final MigrationListener listener;
    private final Handshake handshake;
    private final Baseline baseline;
    private Cancellation cancellation = new Cancellation();
    private String guestName;

    /**
     * @param appOpsPerSBefore the guest's throughput before the migration, measured by the caller
     *                         (the baseline for the work lost during migration; 0 = none)
     */
    public MigrationSource(VirtualMachine vm, ConvergencePolicy policy, MigrationOptions options,
                           MigrationListener listener, Handshake handshake, double appOpsPerSBefore) {
        this(vm, policy, options, listener, handshake, Baseline.of(appOpsPerSBefore));
    }

    /**
     * @param baseline the guest's throughput before the migration, and the latency monitor of that
     *                 window ({@link Baseline#measure}), which the migration carries on and closes
     */
    public MigrationSource(VirtualMachine vm, ConvergencePolicy policy, MigrationOptions options,
                           MigrationListener listener, Handshake handshake, Baseline baseline) {
        this.vm = vm;
        this.policy = policy;
        this.options = options;
        this.listener = listener;
        this.handshake = handshake;
        this.baseline = baseline;
    }

    /** Lets {@code token} cancel this migration (from any thread) until it commits; returns this. */
    public MigrationSource cancellable(Cancellation token) {
        this.cancellation = token;
        return this;
    }

    /**
     * Sends the guest's name before the offer ({@code GuestName}): a host agent keeps it under that
     * name, or refuses it if one of that name is already there. Returns this.
     */
    public MigrationSource named(String name) {
        if (!io.livemig.migrator.protocol.GuestName.isValid(name)) throw new IllegalArgumentException("invalid guest name '" + name + "'");
        this.guestName = name;
        return this;
    }

    /** Cancels this migration before its COMMIT; see {@link Cancellation#cancel}. */
    public Cancellation.Answer cancel(String why) {
        return cancellation.cancel(why);
    }

    /**
     * Migrates the running guest to {@code to}. Never throws for a failed or cancelled migration:
     * the stats say so.
     */
    public MigrationStats migrate(Transport transport, HostPort to) {
        SourceSession session = new SourceSession(vm, policy, options, listener, handshake, transport, to, baseline);
        try (MigrationDeadline deadline = MigrationDeadline.start(options.timeout(), () -> where(session))) {
            return migrate(session, deadline);
        }
    }

    /** For a timeout's reason: the phase the migration is in (read from another thread: a hint, not a fact). */
    private String where(SourceSession session) {
        if (session.connection == null) return "connect";
        if (session.sender == null) return "setup";
        if (vm.state() == VmState.PAUSED) return "stop-and-copy";
        return "pre-copy round " + session.figures.rounds().size();
    }

    private MigrationStats migrate(SourceSession session, MigrationDeadline deadline) {
        session.cancellation = cancellation;
        session.guestName = guestName;
        SourceReport report = new SourceReport(session);
        session.timeline.startNanos = session.clock.monotonicNanos();
        session.timeline.opsAtStart = vm.totalOps();
        if (vm.state() != VmState.RUNNING) {
            cancellation.unbind();
            if (baseline.latency() != null) baseline.latency().close();
            return failed(session, report, "the guest is " + vm.state() + ", not RUNNING");
        }
        session.latency = new SourceLatency(session);
        cancellation.bind(() -> vm.scheduler().unthrottle());
        listener.phase("setup");
        try {
            cancellation.check();
            // Closed in finally, not by try-with-resources: the Abort in failed() must still go out on it.
            session.connection = session.transport.connect(session.to, options.connectTimeout());
            deadline.attach(session.connection);
            new SourceSetup(session).run();
            MigrationMode mode = options.mode();
            if (mode == MigrationMode.POSTCOPY) {
                session.stopReason = StopReason.POSTCOPY;
                deadline.disarmBeforeCommit(); // post-copy's switch is its point of no return
                return new PostcopyPhase(session, report).run();
            }
            if (mode == MigrationMode.HYBRID) {
                session.postcopySwitch = new PostcopySwitch(options.postcopy().switchAfter(),
                        () -> policy.verdict().infeasible()); // a planning policy's verdict, as early as round 0
            }
            int rounds = new PrecopyRounds(session, new StopRule(options, vm.memory().sizeBytes())).run();
            if (mode == MigrationMode.HYBRID && session.stopReason != StopReason.CONVERGED) {
                SourceClock.measure(session, "switch-over"); // the rounds are acknowledged; the destination is busy once its guest runs
                deadline.disarmBeforeCommit();
                return new PostcopyPhase(session, report).run();
            }
            // No clock exchange here: the guest would run on through its round trips and dirty pages
            // for the stop-and-copy to send. The handover measures the clocks once the guest resumed there.
            new StopAndCopy(session).run(rounds);
            deadline.disarmBeforeCommit(); // the point of no return: a timeout now could only leave us in doubt
            return new Handover(session, report).run();
        } catch (MigrationException e) {
            return failed(session, report, deadline.fired() ? deadline.reason() : e.getMessage());
        } catch (InterruptedException e) {
            if (!cancellation.isCancelled()) Thread.currentThread().interrupt();
            return failed(session, report, "interrupted");
        } catch (Exception e) {
            return failed(session, report, deadline.fired() ? deadline.reason() : Errors.describe(e));
        } finally {
            cancellation.unbind();
            session.latency.close();
            giveGuestBack(session);
            if (session.connection != null) session.connection.close();
            if (session.requests != null) session.requests.close(); // opened for a post-copy that did not happen
            if (session.sender != null) session.sender.close();
        }
    }

    /** Unless committed: the caps lifted and the guest running here again. Idempotent. */
    private void giveGuestBack(SourceSession session) {
        if (!session.guestGivenBack) {
            session.guestGivenBack = true;
            policy.finish(vm.scheduler());
        }
        if (!session.committed && vm.state() == VmState.PAUSED) vm.resume();
    }

    /**
     * The guest first (caps lifted, resumed: a cancel must not keep it throttled while the Abort
     * waits for a slow link), then tells the destination (if connected) to discard what it has,
     * and reports the failure, or the cancellation when one was asked for (whatever it broke).
     */
    private MigrationStats failed(SourceSession session, SourceReport report, String reason) {
        cancellation.unbind(); // no interrupt may cut the Abort short
        boolean cancelled = cancellation.isCancelled();
        giveGuestBack(session);
        String error = cancelled ? "cancelled: " + cancellation.reason() : reason;
        if (session.connection != null) {
            try {
                session.connection.send(Abort.because(error));
            } catch (Exception ignored) {
                // The peer is gone; it discards what it has when the link drops.
            }
        }
        return report.stats(cancelled ? MigrationStatus.CANCELLED : MigrationStatus.FAILED, error);
    }
}
