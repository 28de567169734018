package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.ClockOffset;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.stats.PostcopyStats;
import io.livemig.migrator.stats.StopReason;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.livemig.migrator.transport.Transport;

/**
 * The state of one migration attempt on the source, shared by its phases ({@link SourceSetup},
 * {@link PrecopyRounds}, {@link StopAndCopy}, {@link Handover}, {@link InDoubtResolver}) so they
 * need no long parameter lists. One instance per attempt; only the migrating thread touches it.
 */
final class SourceSession {
    final VirtualMachine vm;
    final ConvergencePolicy policy;
    final MigrationOptions options;
    final MigrationListener listener;
    final Handshake handshake;
    final Transport transport;
    final HostPort to;
    /** The guest's throughput (and latencies) before the migration, measured by the caller: the baseline of work lost. */
    final Baseline baseline;
    /** This host's clocks: the time base of every figure. */
    final HostClock clock;

    final SourceFigures figures = new SourceFigures();
    final SourceTimeline timeline = new SourceTimeline();

    /** The migration's connection; null until connected. */
    Connection connection;
    /** The source nonce of the handshake: names this migration in an {@code OutcomeQuery}. */
    byte[] migrationId;
    /** Sends page sets to the destination (one connection or data channels); set up once the offer is accepted. */
    PageStream sender;
    /** Paces every page the source sends, pre-copy and post-copy alike (one limit models one link). */
    TokenBucketRateLimiter limiter;
    /** Post-copy's connections: opens the request connection, reconnects after a broken link; null in pre-copy. */
    PostcopyLinks postcopyLinks;
    /** The request connection of post-copy (opened in setup); null in pre-copy. */
    Connection requests;
    /** Hybrid: tells {@link PrecopyRounds} when to give way to post-copy; null otherwise. */
    PostcopySwitch postcopySwitch;
    /** The pages the next send must take (all of them for round 0, then each sync's). */
    DirtyBitmap pending;
    /** COMMIT is on the wire: from here the source never resumes the guest on its own. */
    boolean committed;
    boolean digestVerified;
    /** The guest's name for the destination ({@code GuestName} before the offer), or null to send none. */
    String guestName;
    /** Cancels the attempt until COMMIT; checked between batches and rounds. */
    Cancellation cancellation = new Cancellation();
    /** The caps were lifted (and the guest resumed unless committed): done once, as early as possible. */
    boolean guestGivenBack;
    /** The latest measured offset of the destination's clocks; null until measured. */
    ClockOffset clockOffset;
    /** The guest's operation latencies through the migration; null before the migration starts. */
    SourceLatency latency;
    /** The mode and what post-copy cost, once it ran; null before (the report then says "none"). */
    PostcopyStats postcopyStats;
    /** Why pre-copy stopped: the stop rule's verdict, recorded by {@link PrecopyRounds}. */
    StopReason stopReason;
    /** Whether pre-copy could meet the downtime limit: the {@code convergence} key, recorded with the stop reason. */
    ConvergenceWatch.Verdict convergence;

    SourceSession(VirtualMachine vm, ConvergencePolicy policy, MigrationOptions options, MigrationListener listener,
                  Handshake handshake, Transport transport, HostPort to, Baseline baseline) {
        this.vm = vm;
        this.policy = policy;
        this.options = options;
        this.listener = listener;
        this.handshake = handshake;
        this.transport = transport;
        this.to = to;
        this.baseline = baseline;
        this.clock = options.clock();
    }

    int pageSize() {
        return vm.memory().pageSize();
    }

    long sinceStartNanos() {
        return clock.monotonicNanos() - timeline.startNanos;
    }

    /** Pauses the guest for the last transfer (stop-and-copy or the switch), recording the pause's figures. */
    void pauseGuest() {
        SourceTimeline t = timeline;
        t.pauseStartNanos = clock.monotonicNanos();
        t.pauseNanos = vm.pause();
        t.opsAtPause = vm.totalOps();
        t.opsPerSDuring = (t.opsAtPause - t.opsAtStart) * 1e9 / Math.max(1, t.pauseStartNanos - t.startNanos);
        t.lastHeartbeatMicros = vm.lastHeartbeatMicros();
        latency.paused();
    }
}
