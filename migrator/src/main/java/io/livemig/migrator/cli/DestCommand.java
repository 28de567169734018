package io.livemig.migrator.cli;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.jfr.JfrRecording;
import io.livemig.migrator.latency.Latencies;
import io.livemig.migrator.migration.Baseline;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.DigestVerdict;
import io.livemig.migrator.protocol.LatencyReport.LatencySummary;
import io.livemig.migrator.migration.Errors;
import io.livemig.migrator.migration.DestinationPort;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.HostingSlot;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.AdmissionOptions;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code livemig dest}: wait for an incoming migration, then run the guest it brings. */
@Command(name = "dest", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Listens for one incoming migration at a time: the first authenticated offer takes this "
                + "destination, later offers are refused as busy, and a connection that does not authenticate in time "
                + "holds nothing; after a failed or refused migration it listens again. Once a guest arrives it runs here: for --run-for, then stops and "
                + "prints its figures; without --run-for until interrupted (Ctrl-C). Exit status 0 when the guest ran "
                + "here for --run-for with its memory digest verified and then passed its own check (or left again "
                + "with --forward-to), 1 otherwise, 2 for bad input. A digest mismatch found after resume stops the "
                + "guest: --stats-json says status failed, with the reason in error. A digest check after resume that "
                + "does not finish (the source's digest never came) leaves the guest running here unverified: status "
                + "completed, digest_verified false, the reason in error, and exit status 1.")
final class DestCommand implements Callable<Integer> {

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "Where to listen, e.g. 127.0.0.1:7000 (port 0 picks a free port; the chosen one is printed).")
    HostPort listen;

    @Option(names = "--run-for", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "Run the received guest this long, then stop it, verify it and exit.")
    Duration runFor;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Largest guest accepted (default: half of physical memory).")
    Long maxMemory;

    @Option(names = "--stats-json", paramLabel = "FILE",
            description = "Write the received guest's figures as one JSON object: status completed when it ran here (see digest_verified and verified), failed when it was stopped on a digest mismatch or lost during post-copy.")
    Path statsJson;

    @Option(names = "--prealloc", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Touch all of an incoming guest's memory when accepting it, before the first page arrives (as QEMU's -mem-prealloc): the first touch of fresh memory then counts in the setup time instead of slowing the page stream (default: on).")
    boolean prealloc;

    @Option(names = "--forward-to", paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "Once the guest has run here for --forward-after, migrate it onward to this destination.")
    HostPort forwardTo;

    @Option(names = "--forward-after", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "1s",
            description = "How long the guest runs here before --forward-to (default: ${DEFAULT-VALUE}).")
    Duration forwardAfter;

    @Option(names = "--forward-stats-json", paramLabel = "FILE", description = "Write the onward migration's figures here.")
    Path forwardStatsJson;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Shared secret (file private to its owner): admit only sources that prove it.")
    Path authTokenFile;

    @Mixin
    TlsOptions tls;

    @Mixin
    JfrOption jfr;

    @Option(names = "--clock-skew", paramLabel = "DURATION", converter = Converters.SignedTime.class, defaultValue = "0",
            description = "Fault injection: shift this destination's monotonic and wall clocks (and the heartbeats of the guests it runs) by DURATION, either sign, e.g. 1h or -250ms, as if it were another machine; the source's downtime figures must not move (it measures the offset).")
    Duration clockSkew;

    @Option(names = "--crash-at", paramLabel = "PHASE", converter = CrashPoint.Converter.class,
            completionCandidates = CrashPoint.Choices.class,
            description = "Fault injection, for studying failures: halt this process (as kill -9 would) when an incoming "
                    + "migration reaches PHASE, one of ${COMPLETION-CANDIDATES} (the handshake passed; the first page "
                    + "batch loaded; the stop-and-copy received; READY sent, before COMMIT; the guest just started here by post-copy).")
    CrashPoint crashAt;

    @Option(names = "--rehearse",
            description = "Once bound to --listen, before saying so, " + Rehearsal.WHAT + ", "
                    + "so this side's code is compiled before the guest arrives instead of while it does; give the source --rehearse too.")
    boolean rehearse;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "10s",
            description = "A connection must have authenticated and made its offer within this, from its accept; bytes trickling in do not extend it (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--max-pending", paramLabel = "N", defaultValue = "" + AdmissionOptions.DEFAULT_MAX_PENDING,
            description = "At most N connections wait to authenticate at once; another one makes the oldest silent one close (default: ${DEFAULT-VALUE}).")
    int maxPending;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "30s",
            description = "Drop an incoming migration when no byte moves either way on its connection for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    /** The {@code verify_detail} of a guest that never ran here. */
    private static final String NOT_RUN = "not run";

    private Handshake handshake;
    private HostClock hostClock = HostClock.SYSTEM;
    private ConnectionOptions connectionOptions;
    private MigrationDestination destination;
    private Double rehearsalMs;

    @Override
    public Integer call() throws Exception {
        if (runFor != null && (runFor.isZero() || runFor.isNegative())) throw new UsageException("--run-for must be positive");
        long maxMemoryBytes = maxMemory != null ? maxMemory : DestinationOptions.defaultMaxMemoryBytes();
        hostClock = HostClock.skewed(clockSkew);
        DestinationOptions options = new DestinationOptions(maxMemoryBytes, DestinationOptions.DEFAULT_MESSAGE_TIMEOUT,
                Workloads::parse, DestinationOptions.DEFAULT_FIRST_OP_WAIT, hostClock, prealloc);
        if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) throw new UsageException("--handshake-timeout must be positive");
        if (maxPending < 1) throw new UsageException("--max-pending must be >= 1, got " + maxPending);
        if (stallTimeout.isZero() || stallTimeout.isNegative()) throw new UsageException("--stall-timeout must be positive");
        handshake = new Handshake(authTokenFile == null ? null : AuthToken.load(authTokenFile));
        connectionOptions = tls.connectionOptions().withStallTimeout(stallTimeout);
        MigrationDestination.Phase crashPhase = crashAt == null ? null : crashAt.phase();
        destination = new MigrationDestination(options, handshake, phase -> {
            if (phase == crashPhase) {
                System.err.println("livemig dest: --crash-at " + crashAt + ": halting now");
                Runtime.getRuntime().halt(137);
            }
        }, new HostingSlot());
        // An I/O thread per core (at most 4, plus one): data channels each get their own.
        int ioThreads = 1 + Math.min(4, Runtime.getRuntime().availableProcessors());
        try (JfrRecording recording = jfr.start();
             Transport transport = Transport.create(connectionOptions, ioThreads);
             Listener listener = listen(transport)) {
            // Once bound, so a busy port is said at once; before saying where it listens, so no source comes meanwhile.
            if (rehearse) rehearsalMs = Rehearsal.runAndReport("livemig dest", true, System.err).completedMillis();
            if (!clockSkew.isZero()) System.err.println("livemig dest: --clock-skew: this host's clocks run shifted by " + clockSkew.toMillis() + " ms");
            GuestMemory.allocate(GuestMemory.MIN_SIZE_BYTES).close(); // class set-up now, not in the source's setup time
            if (!handshake.authenticates()) {
                System.err.println("livemig dest: warning: no --auth-token-file: " + (connectionOptions.tls() == null
                        ? "anyone who can reach " + hostPort(listener) : "any peer with a certificate signed by --tls-ca")
                        + " can push a guest here");
            }
            System.out.println("livemig dest: listening on " + hostPort(listener));
            System.out.flush();
            // One migration at a time: the slot goes to the first authenticated offer; others hear "busy".
            try (DestinationPort port = new DestinationPort(listener, destination, "dest", DestCommand::log)) {
                DestinationPort.Arrival arrival = port.next();
                if (arrival.lost() != null) {
                    // During post-copy neither side held the whole guest: this half is stopped, and that is final.
                    if (statsJson != null) {
                        StatsJson.write(statsJson, DestStats.builder().status(MigrationStatus.FAILED).verifyDetail(NOT_RUN)
                                .error(arrival.lost().getMessage()).clockSkewMs(clockSkewMs()).rehearsalMs(rehearsalMs).build());
                    }
                    return Cli.EXIT_FAILED;
                }
                log(arrivalLine(arrival.peer(), arrival.incoming()));
                return host(arrival.incoming());
            }
        }
    }

    private static void log(String line) {
        System.err.println("livemig dest: " + line);
    }

    private Listener listen(Transport transport) throws Exception {
        try {
            return transport.listen(listen, new AdmissionOptions(handshakeTimeout, maxPending, DestCommand::log));
        } catch (Exception e) {
            throw new UsageException("cannot listen on " + listen + ": " + Errors.describe(e));
        }
    }

    /** The line printed when a guest arrives: where from, what came, and the digest verdict as it is. */
    static String arrivalLine(String peer, MigrationDestination.Incoming incoming) {
        String figures = incoming.rounds() + " rounds, " + incoming.pagesReceived() + " pages received";
        if (incoming.viaPostcopy()) {
            figures += String.format(java.util.Locale.ROOT, ", post-copy: %d faults, %d pages requested, blocktime %.1f ms",
                    incoming.postcopyFaults().faults(), incoming.postcopyFaults().pagesRequested(),
                    incoming.postcopyFaults().blocktimeNanos() / 1e6);
        }
        DigestVerdict digest = incoming.digest();
        return digest.kind() == DigestVerdict.Kind.MISMATCH
                ? "guest from " + peer + " arrived (" + figures + "), " + digest.words()
                : "guest from " + peer + " is running here (" + figures + ", " + digest.words() + ")";
    }

    /** Runs the received guest; further connections are refused as busy meanwhile. */
    private int host(MigrationDestination.Incoming incoming) throws Exception {
        VirtualMachine vm = incoming.vm();
        if (incoming.digest().kind() == DigestVerdict.Kind.MISMATCH) {
            // The guest was stopped: a failed migration, whatever the source's stats say.
            if (statsJson != null) {
                StatsJson.write(statsJson, received(incoming).status(MigrationStatus.FAILED).digestVerified(false)
                        .verifyDetail(NOT_RUN).error(incoming.digest().reason()).build());
            }
            vm.close();
            return Cli.EXIT_FAILED;
        }
        GuestMeter meter = new GuestMeter(vm);
        GuestMeter.Sample start = meter.sample();
        if (forwardTo != null && forward(vm, meter)) return Cli.EXIT_OK;
        Thread stopper = new Thread(() -> finish(incoming, meter, start));
        Runtime.getRuntime().addShutdownHook(stopper);
        if (runFor == null) {
            Thread.currentThread().join(); // until interrupted: the shutdown hook reports
            return Cli.EXIT_OK;
        }
        Thread.sleep(runFor.toMillis());
        Runtime.getRuntime().removeShutdownHook(stopper);
        DestStats stats = finish(incoming, meter, start);
        return stats.verified() && stats.digestVerified() ? Cli.EXIT_OK : Cli.EXIT_FAILED;
    }

    /** Migrates the hosted guest onward; true when it left (then nothing runs here any more). */
    private boolean forward(VirtualMachine vm, GuestMeter meter) throws Exception {
        Baseline baseline = Baseline.measure(vm, forwardAfter, hostClock);
        System.err.println("livemig dest: migrating the guest onward to " + forwardTo);
        MigrationStats stats;
        try (Transport transport = Transport.create(connectionOptions)) {
            stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults().withClock(hostClock),
                    MigrationListener.SILENT, handshake, baseline).migrate(transport, forwardTo);
        }
        if (forwardStatsJson != null) StatsJson.write(forwardStatsJson, stats);
        if (stats.completed()) {
            System.out.printf("guest migrated onward to %s: downtime %.1f ms, %s%n", forwardTo, stats.downtimeMs(),
                    DigestVerdict.of(stats).words());
            vm.close();
            return true;
        }
        System.err.println("livemig dest: onward migration failed, the guest keeps running here: " + stats.error());
        return false;
    }

    private DestStats finish(MigrationDestination.Incoming incoming, GuestMeter meter, GuestMeter.Sample start) {
        VirtualMachine vm = incoming.vm();
        vm.pause();
        GuestMeter.Sample end = meter.sample();
        Verification verdict = vm.verify();
        vm.stop();
        double seconds = (end.wallNanos() - start.wallNanos()) / 1e9;
        DestStats stats = received(incoming).status(MigrationStatus.COMPLETED).digestVerified(incoming.digestVerified())
                .ranForS(seconds).ops(end.ops() - start.ops()).opsPerS(GuestMeter.opsPerSecond(start, end))
                .verified(verdict.ok()).verifyDetail(verdict.detail()).error(incoming.digest().reason())
                .opLatencyUsP50After(afterMicros(incoming, LatencySummary::p50Nanos))
                .opLatencyUsP99After(afterMicros(incoming, LatencySummary::p99Nanos))
                .opLatencyUsMaxAfter(afterMicros(incoming, LatencySummary::maxNanos)).build();
        System.out.printf("guest ran here %.1f s: %.0f ops/s, verify %s (%s)%n", seconds, stats.opsPerS(),
                verdict.ok() ? "passed" : "FAILED", verdict.detail());
        System.out.flush();
        if (statsJson != null) StatsJson.write(statsJson, stats);
        return stats;
    }

    /** The figures of a received guest known at its arrival, and this destination's clock skew. */
    private DestStats.Builder received(MigrationDestination.Incoming incoming) {
        VirtualMachine vm = incoming.vm();
        return DestStats.builder().workload(vm.program().spec()).memoryBytes(vm.memory().sizeBytes()).vcpus(vm.config().vcpus())
                .rounds(incoming.rounds()).pagesReceived(incoming.pagesReceived()).bytesReceived(incoming.bytesReceived())
                .verifyMs(incoming.verifyMs()).clockSkewMs(clockSkewMs()).rehearsalMs(rehearsalMs);
    }

    private double clockSkewMs() {
        return clockSkew.toNanos() / 1e6;
    }

    private static double afterMicros(MigrationDestination.Incoming incoming, java.util.function.ToLongFunction<LatencySummary> figure) {
        LatencySummary after = incoming.afterLatency();
        return after == null || after.ops() == 0 ? -1 : Latencies.micros(figure.applyAsLong(after));
    }

    private static String hostPort(Listener listener) {
        return listener.localAddress().getAddress().getHostAddress() + ":" + listener.localAddress().getPort();
    }
}
