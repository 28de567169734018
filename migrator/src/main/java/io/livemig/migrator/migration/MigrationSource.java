package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.DirtyLog;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.DigestCheck;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.OutcomeQuery;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.protocol.Ready;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.RoundAck;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.livemig.migrator.transport.Transport;
import io.netty.channel.ChannelFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The source side of one live migration: setup, pre-copy rounds, stop-and-copy and the two-phase
 * handover. Before COMMIT is on the wire any failure resumes the guest here, unthrottled; after it,
 * the guest belongs to the destination and never runs here again.
 *
 * <p>Not reusable: one instance per migration.
 */
public final class MigrationSource {
    /** Rounds shorter than this give a noisy rate; the stop rule then uses the average over all rounds. */
    private static final long MIN_RATE_SAMPLE_NANOS = 20_000_000L;
    private static final int OUTCOME_QUERY_ATTEMPTS = 5;
    private static final long OUTCOME_QUERY_PAUSE_MILLIS = 1_000;
    /** Below this much data sent, a measured rate says more about latency than about the link. */
    private static final long MIN_RATE_SAMPLE_BYTES = 4L << 20;
    /** Assumed link rate before anything could be measured on an unlimited link: a modest LAN. */
    private static final double UNMEASURED_LINK_BYTES_PER_S = 100.0 * (1 << 20);

    private final VirtualMachine vm;
    private final ConvergencePolicy policy;
    private final MigrationOptions options;
    private final MigrationListener listener;
    private final Handshake handshake;
    private final double appOpsPerSBefore;

    private final List<RoundStats> rounds = new ArrayList<>();
    private long transferredBytes;
    private long normalPages;
    private long zeroPages;
    private long sendNanosTotal;
    private long dirtyBytesTotal;
    private double maxThrottlePct;
    private double appliedDirtyLimitBytesPerS;

    /**
     * @param appOpsPerSBefore the guest's throughput before the migration, measured by the caller
     *                         (the baseline for the work lost during migration)
     */
    public MigrationSource(VirtualMachine vm, ConvergencePolicy policy, MigrationOptions options,
                           MigrationListener listener, Handshake handshake, double appOpsPerSBefore) {
        this.vm = vm;
        this.policy = policy;
        this.options = options;
        this.listener = listener;
        this.handshake = handshake;
        this.appOpsPerSBefore = appOpsPerSBefore;
    }

    /** Migrates the running guest to {@code to}. Never throws for a failed migration: the stats say so. */
    public MigrationStats migrate(Transport transport, HostPort to) {
        Run run = new Run(transport, to);
        run.startNanos = System.nanoTime();
        run.opsAtStart = vm.totalOps();
        if (vm.state() != VmState.RUNNING) {
            return run.failed("the guest is " + vm.state() + ", not RUNNING");
        }
        listener.phase("setup");
        try {
            // Closed in finally, not by try-with-resources: the Abort in failed() must still go out on it.
            run.connection = transport.connect(to, options.connectTimeout());
            return run.migrate();
        } catch (MigrationException e) {
            return run.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return run.failed("interrupted");
        } catch (Exception e) {
            return run.failed(Errors.describe(e));
        } finally {
            policy.finish(vm.scheduler());
            if (!run.committed && vm.state() == VmState.PAUSED) vm.resume();
            if (run.connection != null) run.connection.close();
        }
    }

    /** The state of one attempt, so the phases can share it without long parameter lists. */
    private final class Run {
        final Transport transport;
        final HostPort to;
        Connection connection;
        byte[] migrationId;
        long startNanos;
        long setupNanos;
        long opsAtStart;
        long opsAtPause = -1;
        long lastHeartbeatMicros;
        long guestBackNanos = -1;
        long pauseStartNanos = -1;
        long pauseNanos;
        long finalTransferNanos;
        long verifyNanos;
        long resumeNanos;
        long downtimeNanos = -1;
        double appDowntimeMs = -1;
        double opsPerSDuring;
        boolean digestVerified;
        boolean committed;
        String stopReason;

        Run(Transport transport, HostPort to) {
            this.transport = transport;
            this.to = to;
        }

        MigrationStats migrate() throws Exception {
            GuestMemory memory = vm.memory();
            migrationId = handshake.sourceSide(connection, options.replyTimeout());
            GuestOffer offer = new GuestOffer(memory.sizeBytes(), memory.pageSize(), vm.config().vcpus(), vm.program().spec());
            try {
                connection.send(offer);
            } catch (io.livemig.migrator.transport.ConnectionException e) {
                // A destination that refused our handshake may have closed already: its queued answer says why.
            }
            Replies.expect(connection, io.livemig.migrator.protocol.Accept.class, options.replyTimeout(), "the guest offer");
            setupNanos = System.nanoTime() - startNanos;

            listener.phase("pre-copy");
            PageSender sender = new PageSender(connection, new GuestPages(memory, null), limiter(), encoder(memory));
            DirtyLog log = memory.dirtyLog();
            DirtyBitmap toSend = new DirtyBitmap(memory.pageCount());
            log.enable();
            toSend.setAll();
            int round = 0;
            while (true) {
                double capDuring = vm.scheduler().minCapPct();
                long roundStart = System.nanoTime();
                int current = round;
                PageSender.Sent sent = sender.send(toSend, round == 0,
                        (done, total) -> listener.sending(current, done, total));
                connection.send(new RoundEnd(round, sent.pages()));
                awaitRoundAck(round);
                long roundNanos = System.nanoTime() - roundStart;
                long dirtyPages = log.syncAndClear(toSend);
                account(sent, roundNanos, dirtyPages, memory.pageSize());
                RoundFigures figures = new RoundFigures(round, sent.pages(), sent.bytes(), roundNanos, dirtyPages,
                        memory.pageSize(), capDuring, options.downtimeLimit().toNanos(), transferredBytes,
                        System.nanoTime() - startNanos);
                recordRound(figures, 100 - capDuring, false);
                policy.afterRound(figures, vm.scheduler());
                maxThrottlePct = Math.max(maxThrottlePct, 100 - vm.scheduler().minCapPct());
                appliedDirtyLimitBytesPerS = Math.max(appliedDirtyLimitBytesPerS, (double) vm.scheduler().dirtyLimit(0) * memory.pageSize());
                round++;
                stopReason = stopReason(figures, round, memory);
                if (stopReason != null) break;
            }
            stopAndCopy(sender, toSend, round, memory);
            return handover();
        }

        /** Waits until the destination has loaded the round, so the round's figures are of pages delivered. */
        private void awaitRoundAck(int round) throws Exception {
            RoundAck ack = Replies.expect(connection, RoundAck.class, options.replyTimeout(), "round " + round);
            if (ack.round() != round) {
                throw new MigrationException("protocol error: acknowledgement of round " + ack.round() + " during round " + round);
            }
        }

        private String stopReason(RoundFigures figures, int roundsDone, GuestMemory memory) {
            double expectedDowntimeNanos = figures.remainingDirtyBytes() * 1e9 / linkRateEstimate(figures);
            if (figures.dirtyPages() == 0 || expectedDowntimeNanos <= options.downtimeLimit().toNanos()) return "converged";
            if (roundsDone >= options.maxRounds()) return "max-rounds";
            if (transferredBytes >= options.maxVolumeFactor() * memory.sizeBytes()) return "max-volume";
            return null;
        }

        /**
         * The rate the stop-and-copy can expect: the last round's if it was long enough to measure,
         * else the average so far; never below the configured limit's worth when too little has been
         * sent to measure anything (a mostly-zero guest sends almost nothing in round 0).
         */
        private double linkRateEstimate(RoundFigures figures) {
            double measured = figures.durationNanos() >= MIN_RATE_SAMPLE_NANOS ? figures.transferRateBytesPerSec() : averageRate();
            if (transferredBytes >= MIN_RATE_SAMPLE_BYTES && measured > 0) return measured;
            return options.bandwidthBytesPerS() > 0 ? options.bandwidthBytesPerS() : UNMEASURED_LINK_BYTES_PER_S;
        }

        private void stopAndCopy(PageSender sender, DirtyBitmap toSend, int round, GuestMemory memory) throws Exception {
            listener.phase("stop-and-copy");
            pauseStartNanos = System.nanoTime();
            pauseNanos = vm.pause();
            opsAtPause = vm.totalOps();
            opsPerSDuring = (opsAtPause - opsAtStart) * 1e9 / Math.max(1, pauseStartNanos - startNanos);
            lastHeartbeatMicros = vm.lastHeartbeatMicros();
            long transferStart = System.nanoTime();
            // The paused memory no longer changes: digest it on another core while the last pages go
            // out; or, with the check after resume, later, so it does not compete with the handover.
            CompletableFuture<Long> digest = options.verifyAfterResume() ? null : digestInBackground(memory);
            memory.dirtyLog().syncAndAdd(toSend);
            PageSender.Sent sent = sender.send(toSend, false);
            for (io.livemig.emulator.VcpuState state : vm.saveVcpuStates()) {
                connection.send(new io.livemig.migrator.protocol.VcpuState(state.vcpu(), state.registers()));
            }
            finalTransferNanos = System.nanoTime() - transferStart;
            long waitStart = System.nanoTime();
            if (digest == null) {
                connection.send(new StopAndCopyDone(0, pauseStartNanos, true));
            } else {
                connection.send(new StopAndCopyDone(digest.join(), pauseStartNanos, false));
            }
            account(sent, finalTransferNanos, 0, memory.pageSize());
            recordRound(new RoundFigures(round, sent.pages(), sent.bytes(), finalTransferNanos, 0, memory.pageSize(),
                    vm.scheduler().minCapPct(), options.downtimeLimit().toNanos(), transferredBytes,
                    System.nanoTime() - startNanos), 100, true);
            Replies.expect(connection, Ready.class, options.replyTimeout(), "stop-and-copy");
            verifyNanos = System.nanoTime() - waitStart;
            digestVerified = !options.verifyAfterResume();
        }


        private MigrationStats handover() throws Exception {
            listener.phase("handover");
            long commitStart = System.nanoTime();
            ChannelFuture commit = connection.send(new Commit());
            if (!commit.await(options.replyTimeout().toMillis()) || !commit.isSuccess()) {
                throw new MigrationException("COMMIT could not be sent: " + Errors.describe(commit.cause()));
            }
            committed = true; // from here the source never resumes the guest on its own
            Resumed resumed;
            try {
                resumed = Replies.expect(connection, Resumed.class, options.replyTimeout(), "handover");
            } catch (Exception e) {
                return resolveInDoubt(e);
            }
            vm.markMigrated();
            downtimeNanos = resumed.resumedAtNanos() - pauseStartNanos;
            guestBackNanos = resumed.resumedAtNanos();
            resumeNanos = resumed.resumedAtNanos() - commitStart;
            if (resumed.firstOpMicros() > 0 && lastHeartbeatMicros > 0) {
                appDowntimeMs = (resumed.firstOpMicros() - lastHeartbeatMicros) / 1000.0;
            }
            try {
                return options.verifyAfterResume() ? checkDigestAfterResume() : stats("completed", null);
            } catch (Exception e) {
                return stats("completed", "the digest check after resume did not finish: " + Errors.describe(e));
            }
        }

        /**
         * COMMIT was written but RESUMED never came: only the destination knows whether it read
         * COMMIT. Ask it on a new connection; its answer is final (asking abandons a migration still
         * waiting for COMMIT there), so the guest resumes here only if it can never start there.
         */
        private MigrationStats resolveInDoubt(Exception cause) throws InterruptedException {
            String why = Errors.describe(cause);
            String lastError = "";
            for (int attempt = 1; attempt <= OUTCOME_QUERY_ATTEMPTS; attempt++) {
                try (Connection asking = transport.connect(to, options.connectTimeout())) {
                    handshake.sourceSide(asking, options.replyTimeout());
                    asking.send(new OutcomeQuery(migrationId));
                    Outcome outcome = Replies.expect(asking, Outcome.class, options.replyTimeout(), "the outcome query");
                    if (outcome.committed()) {
                        vm.markMigrated();
                        return stats("completed", "RESUMED was lost (" + why + "); the destination confirmed it runs the guest");
                    }
                    committed = false; // the destination will never run it: the guest is ours again
                    return stats("failed", "COMMIT did not reach the destination (" + why + "); the guest resumes here");
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    lastError = Errors.describe(e);
                    Thread.sleep(OUTCOME_QUERY_PAUSE_MILLIS);
                }
            }
            return stats("failed", "in doubt: COMMIT was written but RESUMED never came (" + why + ") and the destination "
                    + "could not be asked (" + lastError + "); the guest stays paused here, since it may be running there");
        }

        /** The deferred check: the source's digest at pause against the destination's at resume. */
        private MigrationStats checkDigestAfterResume() throws Exception {
            long source = vm.memory().digest(); // the paused memory, unchanged since the pause
            connection.send(new DigestCheck(source));
            DigestCheck destination = Replies.expect(connection, DigestCheck.class, options.replyTimeout(), "the digest check");
            digestVerified = destination.memoryDigest() == source;
            return stats("completed", digestVerified ? null : "memory digest mismatch found after resume: source "
                    + Long.toHexString(source) + ", destination " + Long.toHexString(destination.memoryDigest())
                    + "; the destination stopped the guest");
        }

        MigrationStats failed(String reason) {
            if (connection != null) {
                try {
                    connection.send(Abort.because(reason));
                } catch (Exception ignored) {
                    // The peer is gone; it discards what it has when the link drops.
                }
            }
            return stats("failed", reason);
        }

        private MigrationStats stats(String status, String error) {
            long now = System.nanoTime();
            double dirtyRate = sendNanosTotal == 0 ? 0 : dirtyBytesTotal * 1e9 / sendNanosTotal;
            GuestMemory memory = vm.memory();
            // Work lost: from the start until the guest ran again (destination resume, or now if it
            // never left), at the pre-migration rate, minus the work done on the source meanwhile.
            long endNanos = guestBackNanos > 0 ? guestBackNanos : now;
            long opsDone = (opsAtPause >= 0 ? opsAtPause : vm.state() == io.livemig.emulator.VmState.RUNNING ? vm.totalOps() : opsAtStart) - opsAtStart;
            double opsExpected = appOpsPerSBefore * (endNanos - startNanos) / 1e9;
            long opsLost = (long) Math.max(0, opsExpected - opsDone);
            double lostPct = opsExpected <= 0 ? 0 : 100.0 * opsLost / opsExpected;
            return new MigrationStats(status, policy.name(), memory.sizeBytes(), memory.pageSize(), vm.config().vcpus(),
                    vm.program().spec(), rounds.size(), ms(now - startNanos), ms(setupNanos),
                    downtimeNanos < 0 ? -1 : ms(downtimeNanos), appDowntimeMs, ms(pauseNanos), ms(finalTransferNanos),
                    ms(verifyNanos), ms(resumeNanos), transferredBytes, normalPages, zeroPages, dirtyRate, averageRate(),
                    options.bandwidthBytesPerS(), ms(options.downtimeLimit().toNanos()), maxThrottlePct, digestVerified,
                    appOpsPerSBefore, opsPerSDuring, opsLost, lostPct, appliedDirtyLimitBytesPerS, stopReason, null, error, rounds);
        }
    }

    private static CompletableFuture<Long> digestInBackground(GuestMemory memory) {
        return CompletableFuture.supplyAsync(memory::digest, runnable -> {
            Thread t = new Thread(runnable, "source-digest");
            t.setDaemon(true);
            t.start();
        });
    }

    private TokenBucketRateLimiter limiter() {
        long rate = options.bandwidthBytesPerS();
        return new TokenBucketRateLimiter(rate, rate <= 0 ? 0 : Math.max(64 * 1024, rate / 50));
    }

    private static PageBatchEncoder encoder(GuestMemory memory) {
        int payload = Math.max(PageBatchEncoder.DEFAULT_MAX_PAYLOAD_BYTES, memory.pageSize() + 64 * 1024);
        return new PageBatchEncoder(memory.pageSize(), payload);
    }

    private void account(PageSender.Sent sent, long nanos, long dirtyPages, int pageSize) {
        transferredBytes += sent.bytes();
        normalPages += sent.normalPages();
        zeroPages += sent.zeroPages();
        sendNanosTotal += nanos;
        dirtyBytesTotal += dirtyPages * pageSize;
    }

    private void recordRound(RoundFigures f, double throttlePct, boolean stopAndCopy) {
        RoundStats stats = new RoundStats(f.round(), f.pagesSent(), f.bytesSent(), ms(f.durationNanos()), f.dirtyPages(),
                throttlePct, f.dirtyRateBytesPerSec(), f.transferRateBytesPerSec(), stopAndCopy);
        rounds.add(stats);
        listener.round(stats, f.remainingDirtyBytes());
    }

    private double averageRate() {
        return sendNanosTotal == 0 ? 0 : transferredBytes * 1e9 / sendNanosTotal;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
