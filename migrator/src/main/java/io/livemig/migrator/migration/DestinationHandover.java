package io.livemig.migrator.migration;

import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VcpuState;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.jfr.HandoverEvent;
import io.livemig.migrator.latency.LatencyMonitor;
import io.livemig.migrator.latency.LatencyPhase;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.DigestCheck;
import io.livemig.migrator.protocol.LatencyReport.LatencySummary;
import io.livemig.migrator.protocol.LatencyRequest;
import io.livemig.migrator.protocol.Ready;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.transport.Connection;

import java.util.List;
import java.util.function.Consumer;

/**
 * The destination's side of a pre-copy handover, once every page is in: check the digest (unless
 * the source asked for the check after resume), answer READY, start the guest on COMMIT and say
 * RESUMED, then the deferred digest check and the latency report. Until COMMIT the guest is the
 * source's; after it, ours, and nothing here throws for a lost figure. Not thread-safe: the
 * session's thread drives it.
 */
final class DestinationHandover {
    private final DestinationOptions options;
    private final Connection connection;
    private final Outcomes outcomes;
    private final byte[] migrationId;
    private final VirtualMachine vm;
    private final PageDigests digests;
    private final boolean digestAfterResume;
    private boolean pending;
    private boolean started;
    private long resumedAtNanos;
    private double verifyMs;
    private DigestVerdict digest;
    private LatencyMonitor latency;
    private LatencySummary afterLatency;

    private DestinationHandover(DestinationOptions options, Connection connection, Outcomes outcomes, byte[] migrationId,
                                VirtualMachine vm, PageDigests digests, boolean digestAfterResume) {
        this.options = options;
        this.connection = connection;
        this.outcomes = outcomes;
        this.migrationId = migrationId;
        this.vm = vm;
        this.digests = digests;
        this.digestAfterResume = digestAfterResume;
    }

    /**
     * Everything is here: checks the digest (unless it comes after resume), loads the vCPUs and
     * answers READY. A mismatch is told to the source and thrown: the guest never runs here.
     */
    static DestinationHandover ready(StopAndCopyDone done, List<VcpuState> states, DestinationOptions options,
                                     Connection connection, Outcomes outcomes, byte[] migrationId, VirtualMachine vm,
                                     PageDigests digests, Consumer<MigrationDestination.Phase> phases) throws Exception {
        DestinationHandover handover = new DestinationHandover(options, connection, outcomes, migrationId, vm, digests,
                done.digestAfterResume());
        handover.verifyAndAnswer(done, states, phases);
        return handover;
    }

    private void verifyAndAnswer(StopAndCopyDone done, List<VcpuState> states,
                                 Consumer<MigrationDestination.Phase> phases) throws Exception {
        long verifyStart = System.nanoTime();
        // With the check after resume the digest waits too: the recorded page CRCs do not change
        // once loading is over, so they still describe the memory as it was at resume.
        long ours = digestAfterResume ? 0 : digests.digest();
        verifyMs = (System.nanoTime() - verifyStart) / 1e6;
        if (!digestAfterResume && ours != done.memoryDigest()) {
            String reason = "memory digest mismatch after stop-and-copy: destination "
                    + Long.toHexString(ours) + ", source " + Long.toHexString(done.memoryDigest());
            connection.send(Abort.because(reason));
            throw new MigrationException(reason);
        }
        vm.loadVcpuStates(states);
        outcomes.pending(migrationId);
        pending = true;
        connection.send(new Ready()).await(options.messageTimeout().toMillis());
        phases.accept(MigrationDestination.Phase.READY_SENT);
    }

    /**
     * COMMIT: starts the guest here and confirms with RESUMED.
     *
     * @return whether the digest check after resume comes next
     */
    boolean commit() throws Exception {
        if (!outcomes.commit(migrationId)) {
            throw new MigrationException("COMMIT arrived after the source was told this destination would not run the guest");
        }
        HandoverEvent event = new HandoverEvent();
        event.begin();
        latency = LatencyMonitor.start(vm, options.clock(), LatencyPhase.AFTER);
        resumedAtNanos = options.clock().monotonicNanos(); // as the vCPUs are released (DestinationPostcopy.startGuest says why)
        vm.start();
        started = true;
        long firstOp = AfterResume.awaitFirstOp(vm, options.firstOpWait());
        try {
            connection.send(new Resumed(resumedAtNanos, firstOp));
        } catch (Exception e) {
            // The guest is ours after COMMIT: a lost confirmation only costs the source its figures.
        }
        event.side = "destination";
        event.downtimeNanos = -1;
        event.appDowntimeNanos = -1;
        event.commit();
        if (!digestAfterResume) digest = DigestVerdict.matched();
        return digestAfterResume;
    }

    /**
     * The deferred check, after resume: our digest at resume (recorded as pages landed) against the
     * source's at pause. A mismatch stops the guest: a guest with lost updates must not run on.
     */
    void digestCheck(DigestCheck source) throws Exception {
        long ours = digests.digest();
        connection.send(new DigestCheck(ours));
        if (source.memoryDigest() == ours) {
            digest = DigestVerdict.matched();
        } else {
            vm.stop();
            digest = DigestVerdict.mismatch("memory digest mismatch after resume: destination " + Long.toHexString(ours)
                    + ", source " + Long.toHexString(source.memoryDigest()));
        }
    }

    /** The deferred check did not happen (the source aborted it, or the link broke): the guest runs on, unverified. */
    void notVerified(String reason) {
        digest = DigestVerdict.notVerified(reason);
    }

    /**
     * The source's last message: reports the guest's operation latencies over its first
     * {@code windowNanos} here (sent when that much time has passed since the resume), or nothing.
     */
    void latencyRequest(LatencyRequest request) throws Exception {
        if (request.windowNanos() == 0) return;
        afterLatency = AfterResume.report(request, latency, resumedAtNanos, options.clock(), connection, options.messageTimeout());
    }

    /** Whether the guest runs here: from COMMIT on it is ours, whatever follows. */
    boolean started() {
        return started;
    }

    /** Whether the source was told READY: the outcome must be given up if the guest never starts. */
    boolean pending() {
        return pending;
    }

    void closeLatency() {
        if (latency != null) latency.close();
    }

    MigrationDestination.Incoming incoming(int rounds, long pagesReceived, long bytesReceived) {
        return new MigrationDestination.Incoming(vm, rounds, pagesReceived, bytesReceived, resumedAtNanos, verifyMs, digest,
                afterLatency, null);
    }
}
