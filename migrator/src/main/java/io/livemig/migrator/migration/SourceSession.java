package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.stats.StopReason;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.HostPort;
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
    /** The guest's throughput before the migration, measured by the caller: the baseline of work lost. */
    final double appOpsPerSBefore;

    final SourceFigures figures = new SourceFigures();
    final SourceTimeline timeline = new SourceTimeline();

    /** The migration's connection; null until connected. */
    Connection connection;
    /** The source nonce of the handshake: names this migration in an {@code OutcomeQuery}. */
    byte[] migrationId;
    /** Sends page sets to the destination (one connection or data channels); set up once the offer is accepted. */
    PageStream sender;
    /** The pages the next send must take (all of them for round 0, then each sync's). */
    DirtyBitmap pending;
    /** COMMIT is on the wire: from here the source never resumes the guest on its own. */
    boolean committed;
    boolean digestVerified;
    /** Cancels the attempt until COMMIT; checked between batches and rounds. */
    Cancellation cancellation = new Cancellation();
    /** The caps were lifted (and the guest resumed unless committed): done once, as early as possible. */
    boolean guestGivenBack;
    /** Why pre-copy stopped: the stop rule's verdict, recorded by {@link PrecopyRounds}. */
    StopReason stopReason;

    SourceSession(VirtualMachine vm, ConvergencePolicy policy, MigrationOptions options, MigrationListener listener,
                  Handshake handshake, Transport transport, HostPort to, double appOpsPerSBefore) {
        this.vm = vm;
        this.policy = policy;
        this.options = options;
        this.listener = listener;
        this.handshake = handshake;
        this.transport = transport;
        this.to = to;
        this.appOpsPerSBefore = appOpsPerSBefore;
    }

    int pageSize() {
        return vm.memory().pageSize();
    }

    long sinceStartNanos() {
        return System.nanoTime() - timeline.startNanos;
    }
}
