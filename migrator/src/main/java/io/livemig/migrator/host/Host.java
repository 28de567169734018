package io.livemig.migrator.host;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.Cancellation;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.protocol.ProtocolLimits;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Sizes;
import io.livemig.workloads.Workload;
import io.livemig.workloads.Workloads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A long-lived host agent: any number of named guests within a memory budget, incoming migrations
 * on its migration port (several at once, one per guest), outgoing ones on request, evacuations.
 * It never ends because a guest left. The control API ({@code ControlApi}) calls the public
 * methods here; each returns what the API answers, as maps ready for JSON.
 */
public final class Host implements AutoCloseable {
    /** Finished migrations and evacuations kept for queries. */
    static final int KEPT_FINISHED = 256;

    /**
     * @param listen          the migration port
     * @param maxMemoryBytes  the guest memory the host may hold ({@code --max-memory})
     * @param handshake       the migration port's authentication, both ways
     * @param settingsParser  source options to migration settings (the {@code livemig source} parser)
     * @param maxIncoming     incoming migrations at once; more are answered busy
     * @param sampleInterval  how often the guests' throughput and dirty rate are sampled
     */
    public record Options(HostPort listen, long maxMemoryBytes, Handshake handshake, ConnectionOptions connectionOptions,
                          MigrationSettings.Parser settingsParser, int maxIncoming, Duration sampleInterval,
                          DestinationOptions destinationOptions) {
        public static final int DEFAULT_MAX_INCOMING = 8;
        public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(1);

        public static Options of(HostPort listen, long maxMemoryBytes, Handshake handshake, ConnectionOptions connectionOptions,
                                 MigrationSettings.Parser settingsParser) {
            return new Options(listen, maxMemoryBytes, handshake, connectionOptions, settingsParser, DEFAULT_MAX_INCOMING,
                    DEFAULT_SAMPLE_INTERVAL, DestinationOptions.defaults(Workloads::parse));
        }
    }

    private final Options options;
    private final Consumer<String> log;
    private final GuestTable table;
    private final Transport transport;
    private final Listener listener;
    private final IncomingMigrations incoming;
    private final ScheduledExecutorService sampler;
    private final Map<String, OutgoingMigration> migrations = new LinkedHashMap<>();
    private final Map<String, Evacuation> evacuations = new LinkedHashMap<>();
    private final AtomicLong migrationCount = new AtomicLong();
    private final AtomicLong evacuationCount = new AtomicLong();
    private final MigrationCounters outgoingCounters = new MigrationCounters();
    private volatile boolean draining;
    private volatile boolean closed;

    private Host(Options options, Consumer<String> log) throws Exception {
        this.options = options;
        this.log = log;
        this.table = new GuestTable(new MemoryBudget(options.maxMemoryBytes()));
        this.transport = Transport.create(options.connectionOptions());
        try {
            this.listener = transport.listen(options.listen());
        } catch (Exception e) {
            transport.close();
            throw e;
        }
        this.incoming = new IncomingMigrations(listener,
                admission -> new MigrationDestination(options.destinationOptions(), options.handshake(), phase -> { }, admission),
                table, options.maxIncoming(), this::isDraining, log);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "host-sampler");
            t.setDaemon(true);
            return t;
        });
        long periodMs = Math.max(10, options.sampleInterval().toMillis());
        sampler.scheduleAtFixedRate(this::sampleGuests, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Listens on the migration port and starts sampling; the control server is separate. */
    public static Host start(Options options, Consumer<String> log) throws Exception {
        return new Host(options, log);
    }

    public HostPort migrationAddress() {
        return new HostPort(listener.localAddress().getAddress().getHostAddress(), listener.localAddress().getPort());
    }

    private void sampleGuests() {
        for (HostedGuest guest : table.all()) {
            try {
                guest.sample();
            } catch (RuntimeException e) {
                // a guest closing under the sampler: skip it this time
            }
        }
    }

    // ---- guests ----

    /** Boots and starts a guest here. */
    public Map<String, Object> boot(String name, long memoryBytes, int vcpus, String workloadSpec, int pageSize) {
        refuseWhileDraining("boot a guest");
        if (name == null) throw HostException.badRequest("a guest needs a name");
        Workload program;
        GuestConfig config;
        if (pageSize > ProtocolLimits.MAX_PAGE_BYTES) {
            throw HostException.badRequest("page_size must be at most 1m for a guest that can migrate (the wire's page limit), got "
                    + pageSize + " bytes");
        }
        try {
            config = new GuestConfig(memoryBytes, pageSize, vcpus);
            program = Workloads.parse(workloadSpec);
            program.checkFits(config.memoryBytes(), config.pageSize(), config.vcpus());
        } catch (IllegalArgumentException e) {
            throw HostException.badRequest(e.getMessage());
        }
        HostedGuest guest = table.reserve(name, memoryBytes, vcpus, program.spec(), "booted here", GuestState.ARRIVING);
        try {
            VirtualMachine vm = VirtualMachine.boot(name, config, program);
            vm.start();
            guest.running(vm);
        } catch (RuntimeException e) {
            table.remove(guest);
            throw new HostException(HostException.Kind.FAILED, "cannot boot " + name + ": " + e.getMessage());
        }
        log.accept("guest " + name + " booted (" + Sizes.human(memoryBytes) + ", " + vcpus + " vCPU, " + program.spec() + ")");
        return guest.view();
    }

    public List<Map<String, Object>> guests() {
        List<Map<String, Object>> views = new ArrayList<>();
        for (HostedGuest guest : table.all()) views.add(guest.view());
        return views;
    }

    public Map<String, Object> guest(String name) {
        return table.get(name).view();
    }

    /** Pauses the guest, runs its own check, resumes it. */
    public Map<String, Object> verify(String name) {
        return table.get(name).verify();
    }

    /** Pauses the guest, checks it, stops it for good; its name and memory are free again. */
    public Map<String, Object> stop(String name) {
        HostedGuest guest = table.get(name);
        VirtualMachine vm = guest.beginStop();
        Map<String, Object> view = guest.view();
        try {
            vm.pause();
            Verification verdict = vm.verify();
            view.put("ops", vm.totalOps());
            view.put("verified", verdict.ok());
            view.put("verify_detail", verdict.detail());
        } finally {
            vm.close();
            table.remove(guest);
        }
        view.put("state", "stopped");
        log.accept("guest " + name + " stopped, verify " + (Boolean.TRUE.equals(view.get("verified")) ? "passed" : "FAILED"));
        return view;
    }

    // ---- migrations ----

    /** Starts migrating a guest to another host; returns at once with the migration's view (its id). */
    public Map<String, Object> migrate(String name, HostPort to, Map<String, Object> sourceOptions) {
        return launch(name, to, sourceOptions, null).view();
    }

    private OutgoingMigration launch(String name, HostPort to, Map<String, Object> sourceOptions, String evacuationId) {
        if (closed) throw HostException.conflict("this host is shutting down");
        if (to == null) throw HostException.badRequest("a migration needs a destination (to)");
        MigrationSettings settings = options.settingsParser().parse(sourceOptions == null ? Map.of() : sourceOptions);
        HostedGuest guest = table.get(name);
        String id = "mig-" + migrationCount.incrementAndGet();
        VirtualMachine vm = guest.beginMigration(id);
        OutgoingMigration migration;
        try {
            migration = new OutgoingMigration(id, guest, vm, to, settings, options.handshake(), evacuationId);
        } catch (RuntimeException e) {
            guest.migrationFailed();
            throw e;
        }
        synchronized (migrations) {
            migrations.put(id, migration);
            forgetOldest(migrations, m -> m.isDone());
        }
        outgoingCounters.started();
        Thread thread = new Thread(() -> {
            migration.run(transport, table);
            outgoingCounters.ended(migration.stats());
            log.accept("migration " + id + " of " + name + " to " + to + ": " + migration.view().get("status")
                    + (migration.stats() != null && migration.stats().error() != null ? " (" + migration.stats().error() + ")" : ""));
        }, "host-migration-" + id);
        thread.setDaemon(true);
        thread.start();
        log.accept("migration " + id + " of " + name + " to " + to + " started");
        return migration;
    }

    private OutgoingMigration migrationById(String id) {
        synchronized (migrations) {
            OutgoingMigration m = migrations.get(id);
            if (m == null) throw HostException.notFound("no migration " + id + " on this host");
            return m;
        }
    }

    public Map<String, Object> migration(String id) {
        return migrationById(id).view();
    }

    public List<Map<String, Object>> migrations() {
        List<OutgoingMigration> all;
        synchronized (migrations) {
            all = new ArrayList<>(migrations.values());
        }
        List<Map<String, Object>> views = new ArrayList<>();
        for (OutgoingMigration m : all) views.add(m.view());
        return views;
    }

    /**
     * Cancels a migration before its COMMIT and waits (at most {@code waitMs}) for it to end.
     *
     * @throws HostException CONFLICT with the reason when it is refused (committed or ended)
     */
    public Map<String, Object> cancel(String id, long waitMs) {
        OutgoingMigration migration = migrationById(id);
        Cancellation.Answer answer = migration.cancel("requested through the control API");
        if (!answer.accepted()) throw HostException.conflict(answer.detail());
        migration.awaitEnd(waitMs);
        return migration.view();
    }

    // ---- evacuation ----

    /**
     * Moves every running guest to {@code targets} ({@link EvacuationPlan}); the host takes no
     * new guests while it runs.
     */
    public Map<String, Object> evacuate(List<HostPort> targets, int parallel, Map<String, Object> sourceOptions) {
        if (targets == null || targets.isEmpty()) throw HostException.badRequest("an evacuation needs at least one target (to)");
        if (parallel < 1) throw HostException.badRequest("parallel must be >= 1, got " + parallel);
        Map<String, Object> sharedOptions = sourceOptions == null ? Map.of() : sourceOptions;
        MigrationSettings settings = options.settingsParser().parse(sharedOptions); // bad options: refused before anything moves
        long bandwidth = settings.options().bandwidthBytesPerS();
        List<EvacuationPlan.Candidate> candidates = new ArrayList<>();
        for (HostedGuest guest : table.all()) {
            if (guest.state() == GuestState.RUNNING) {
                candidates.add(new EvacuationPlan.Candidate(guest.name, guest.memoryBytes, guest.dirtyRateBytesPerS()));
            }
        }
        String id = "evac-" + evacuationCount.incrementAndGet();
        int guestsLeft = candidates.size();
        List<EvacuationPlan.Move> plan = EvacuationPlan.plan(candidates, targets,
                Evacuation.shareOfLink(bandwidth, parallel, guestsLeft));
        Evacuation evacuation = new Evacuation(id, plan, targets, parallel, sharedOptions, bandwidth,
                (guest, to, opts, evacuationId) -> launch(guest, to, opts, evacuationId), () -> {
                    draining = false;
                    log.accept("evacuation " + id + " ended");
                });
        synchronized (evacuations) {
            if (draining) throw HostException.conflict("an evacuation is already running");
            draining = true;
            evacuations.put(id, evacuation);
            forgetOldest(evacuations, Evacuation::isDone);
        }
        log.accept("evacuation " + id + " of " + plan.size() + " guests to " + targets + " started");
        evacuation.start();
        return evacuation.view();
    }

    public Map<String, Object> evacuation(String id) {
        Evacuation e;
        synchronized (evacuations) {
            e = evacuations.get(id);
        }
        if (e == null) throw HostException.notFound("no evacuation " + id + " on this host");
        return e.view();
    }

    // ---- the host ----

    public Map<String, Object> summary() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("listen", migrationAddress().toString());
        view.put("max_memory_bytes", table.budget().maxBytes());
        view.put("used_memory_bytes", table.budget().usedBytes());
        view.put("guests", table.all().size());
        view.put("incoming_active", incoming.activeCount());
        view.put("draining", draining);
        return view;
    }

    /** The figures that change over time, in the Prometheus text format. */
    public String metrics() {
        List<OutgoingMigration> active = new ArrayList<>();
        synchronized (migrations) {
            for (OutgoingMigration m : migrations.values()) if (!m.isDone()) active.add(m);
        }
        return HostMetrics.render(table, active, outgoingCounters, incoming);
    }

    private void refuseWhileDraining(String what) {
        if (closed) throw HostException.conflict("this host is shutting down");
        if (draining) throw HostException.conflict("cannot " + what + " while the host is being evacuated");
    }

    /** Refuses new incoming guests while an evacuation runs (admission hook of the migration port). */
    boolean isDraining() {
        return draining || closed;
    }

    private static <V> void forgetOldest(Map<String, V> map, java.util.function.Predicate<V> done) {
        if (map.size() <= KEPT_FINISHED) return;
        var it = map.entrySet().iterator();
        while (map.size() > KEPT_FINISHED && it.hasNext()) {
            if (done.test(it.next().getValue())) it.remove();
        }
    }

    /**
     * Cancels what is leaving (at most 10 s), stops accepting, and stops every guest: they live in
     * this process and end with it.
     */
    @Override
    public void close() {
        closed = true;
        List<OutgoingMigration> active = new ArrayList<>();
        synchronized (migrations) {
            for (OutgoingMigration m : migrations.values()) if (!m.isDone()) active.add(m);
        }
        for (OutgoingMigration m : active) m.cancel("the host is shutting down");
        for (OutgoingMigration m : active) m.awaitEnd(10_000);
        incoming.close();
        sampler.shutdownNow();
        for (HostedGuest guest : table.all()) {
            VirtualMachine vm = guest.vm();
            if (vm != null) vm.close();
            table.remove(guest);
        }
        transport.close();
    }
}
