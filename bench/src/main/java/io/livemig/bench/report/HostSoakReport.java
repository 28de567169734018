package io.livemig.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.host.control.ControlClient;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.HostPort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host agent's targets, measured on real {@code livemig host} JVMs driven over their control
 * API (docs/host.md prints the figures):
 * <ul>
 *   <li>{@code hops}: one guest migrated A -> B -> A ... HOPS times, every hop verified by the
 *   guest's own check on the arrival host; both hosts' threads, descriptors and heap after GC;</li>
 *   <li>{@code capacity}: one host holds GUESTS guests at once (boot times, the host's RSS);</li>
 *   <li>{@code evacuation}: EVACUATED running guests of one host evacuated to two hosts: order,
 *   per-guest downtime, total time, every guest verified where it landed;</li>
 *   <li>{@code query}: a migration queried 10 times a second against one not queried, alternated.</li>
 * </ul>
 *
 * <pre>java ... io.livemig.bench.report.HostSoakReport [all|hops|capacity|evacuation|query] [HOPS=20] [MEMORY=256m]
 *     [GUESTS=8] [EVACUATED=4] [PAIRS=4] [BANDWIDTH=64m]</pre>
 */
public final class HostSoakReport {
    private static final Pattern CONTROL = Pattern.compile("control API on (\\S+):(\\d+)");

    private final int hops;
    private final String memory;
    private final int guests;
    private final int evacuated;
    private final int pairs;
    private final String bandwidth;
    private final String kvstore;

    private HostSoakReport(String[] args) {
        hops = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        memory = args.length > 2 ? args[2] : "256m";
        guests = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        evacuated = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        pairs = args.length > 5 ? Integer.parseInt(args[5]) : 4;
        bandwidth = args.length > 6 ? args[6] : "64m";
        // A 128 MiB table (2^20 entries of 128 bytes) in a 256 MiB guest.
        kvstore = "kvstore:records=700000,value=100";
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        HostSoakReport report = new HostSoakReport(args);
        System.out.printf(Locale.ROOT, "host report (%s) on %d cores, load average %s%n%n", what,
                Runtime.getRuntime().availableProcessors(), MigrationRun.loadAverage());
        if (what.equals("all") || what.equals("hops")) report.hops();
        if (what.equals("all") || what.equals("capacity") || what.equals("evacuation")) report.capacityAndEvacuation(what);
        if (what.equals("all") || what.equals("query")) report.queryOverhead();
        System.out.printf(Locale.ROOT, "%nload average at the end %s%n", MigrationRun.loadAverage());
    }

    // ---- the scenarios ----

    private void hops() throws Exception {
        System.out.printf(Locale.ROOT, "## %d hops A -> B -> A of a %s %s guest, cpu-scheduling, --bandwidth %s%n%n", hops, memory, kvstore, bandwidth);
        try (HostJvm a = HostJvm.start("A", "2g"); HostJvm b = HostJvm.start("B", "2g")) {
            a.ok("POST", "/guests", Map.of("name", "kv", "memory", memory, "vcpus", 1, "workload", kvstore));
            Thread.sleep(2000);
            System.out.println("| hop | to | rounds | total s | downtime ms | app downtime ms | MiB sent | verified | A threads | A fds | A heap MiB after GC | B threads | B fds | B heap MiB after GC |");
            System.out.println("|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
            HostJvm from = a;
            HostJvm to = b;
            for (int hop = 1; hop <= hops; hop++) {
                JsonNode done = from.migrateAndWait("kv", to, Map.of("policy", "cpu-scheduling", "bandwidth", bandwidth));
                to.awaitRunning("kv");
                JsonNode check = to.ok("POST", "/guests/kv/verify", Map.of());
                Map<String, Double> ma = a.metrics();
                Map<String, Double> mb = b.metrics();
                System.out.printf(Locale.ROOT, "| %d | %s | %d | %.1f | %.0f | %.0f | %.0f | %s | %.0f | %.0f | %.1f | %.0f | %.0f | %.1f |%n",
                        hop, to.name, done.get("rounds").asInt(), done.get("total_time_ms").asDouble() / 1000,
                        done.get("downtime_ms").asDouble(), done.get("app_downtime_ms").asDouble(),
                        done.get("transferred_bytes").asDouble() / 1048576,
                        done.get("digest_verified").asBoolean() && check.get("verified").asBoolean() ? "yes" : "NO",
                        ma.get("livemig_process_threads"), ma.get("livemig_process_open_fds"), ma.get("livemig_process_heap_after_gc_bytes") / 1048576,
                        mb.get("livemig_process_threads"), mb.get("livemig_process_open_fds"), mb.get("livemig_process_heap_after_gc_bytes") / 1048576);
                HostJvm swap = from;
                from = to;
                to = swap;
            }
        }
        System.out.println();
    }

    private void capacityAndEvacuation(String what) throws Exception {
        try (HostJvm a = HostJvm.start("A", "3g"); HostJvm b = HostJvm.start("B", "2g"); HostJvm c = HostJvm.start("C", "2g")) {
            System.out.printf(Locale.ROOT, "## One host holds %d guests of %s%n%n", guests, memory);
            System.out.println("| guest | workload | boot s | host RSS MiB after |");
            System.out.println("|---|---|---:|---:|");
            for (int i = 1; i <= guests; i++) {
                String workload = switch (i % 4) {
                    case 1 -> kvstore;
                    case 2 -> "memwrite:wss=64m,rate=16m";
                    case 3 -> "hotcold:wss=128m";
                    default -> "idle";
                };
                long t0 = System.nanoTime();
                a.ok("POST", "/guests", Map.of("name", "g" + i, "memory", memory, "vcpus", 1, "workload", workload));
                System.out.printf(Locale.ROOT, "| g%d | %s | %.1f | %.0f |%n", i, workload, (System.nanoTime() - t0) / 1e9, a.rssMiB());
            }
            Thread.sleep(3000);
            JsonNode list = a.ok("GET", "/guests", null);
            int running = 0;
            for (JsonNode g : list) if (g.get("state").asText().equals("running") && g.get("ops").asLong() > 0) running++;
            JsonNode host = a.ok("GET", "/host", null);
            System.out.printf(Locale.ROOT, "%n%d guests listed, %d running and making progress; used memory %.0f MiB of %.0f MiB; %s%n%n",
                    list.size(), running, host.get("used_memory_bytes").asDouble() / 1048576, host.get("max_memory_bytes").asDouble() / 1048576,
                    threadsLine(a));
            if (what.equals("capacity")) return;

            for (int i = evacuated + 1; i <= guests; i++) {
                JsonNode stopped = a.ok("DELETE", "/guests/g" + i, null);
                if (!stopped.get("verified").asBoolean()) throw new IllegalStateException("g" + i + " did not verify: " + stopped);
            }
            Thread.sleep(2000);
            System.out.printf(Locale.ROOT, "## Evacuation of %d running guests of %s to 2 hosts, --parallel 2, --bandwidth %s (shared), cpu-scheduling%n%n",
                    evacuated, memory, bandwidth);
            String id = a.ok("POST", "/evacuations", Map.of("to", List.of(b.migration.toString(), c.migration.toString()), "parallel", 2,
                    "options", Map.of("bandwidth", bandwidth, "policy", "cpu-scheduling"))).get("id").asText();
            JsonNode report = a.awaitEnd("/evacuations/" + id, 1800);
            System.out.println("| order | guest | dirty MB/s | predicted s | target | started s | ended s | rounds | downtime ms | app downtime ms | verified there |");
            System.out.println("|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---|");
            for (JsonNode g : report.get("guests")) {
                HostJvm there = g.get("target").asText().equals(b.migration.toString()) ? b : c;
                boolean verified = g.path("digest_verified").asBoolean();
                if (g.get("status").asText().equals("completed")) {
                    there.awaitRunning(g.get("guest").asText());
                    verified &= there.ok("POST", "/guests/" + g.get("guest").asText() + "/verify", Map.of()).get("verified").asBoolean();
                }
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.2f | %s | %.1f | %.1f | %d | %.0f | %.0f | %s |%n",
                        g.get("order").asInt(), g.get("guest").asText(), g.get("dirty_rate_bytes_per_s").asDouble() / 1e6,
                        g.get("predicted_s").asDouble(), there.name, g.path("started_ms").asDouble() / 1000, g.path("ended_ms").asDouble() / 1000,
                        g.path("rounds").asInt(), g.path("downtime_ms").asDouble(), g.path("app_downtime_ms").asDouble(),
                        verified ? "yes" : "NO (" + g.get("status").asText() + " " + g.path("error").asText() + ")");
            }
            System.out.printf(Locale.ROOT, "%nevacuation %s: total %.1f s; host A now holds %d guests%n%n", report.get("status").asText(),
                    report.get("total_time_ms").asDouble() / 1000, a.ok("GET", "/guests", null).size());
        }
    }

    /**
     * Migration throughput with a query every 100 ms against none, alternated PAIRS times on the
     * same guest going back and forth, unlimited link (so the migration, not a rate limit, sets
     * the pace).
     */
    private void queryOverhead() throws Exception {
        System.out.printf(Locale.ROOT, "## Query overhead: a %s %s guest migrated A <-> B, unlimited link, no policy; with and without 10 queries/s%n%n",
                memory, kvstore);
        try (HostJvm a = HostJvm.start("A", "2g"); HostJvm b = HostJvm.start("B", "2g")) {
            a.ok("POST", "/guests", Map.of("name", "q", "memory", memory, "vcpus", 1, "workload", kvstore));
            Thread.sleep(2000);
            List<double[]> quiet = new ArrayList<>();
            List<double[]> queried = new ArrayList<>();
            HostJvm from = a;
            HostJvm to = b;
            System.out.println("| run | queries/s | queries answered | total s | MiB/s sent | app ops/s during (% of before) | downtime ms |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            for (int run = 1; run <= 2 * pairs; run++) {
                boolean query = run % 2 == 0;
                String id = from.ok("POST", "/migrations", Map.of("name", "q", "to", to.migration.toString(), "options", Map.of())).get("id").asText();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger answered = new AtomicInteger();
                HostJvm source = from;
                CompletableFuture<Void> querier = !query ? CompletableFuture.completedFuture(null) : CompletableFuture.runAsync(() -> {
                    long next = System.nanoTime();
                    while (!stop.get()) {
                        try {
                            if (source.call("GET", "/migrations/" + id, null).ok()) answered.incrementAndGet();
                            next += 100_000_000L;
                            long sleep = next - System.nanoTime();
                            if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                JsonNode done = from.awaitEnd("/migrations/" + id, 600);
                stop.set(true);
                querier.join();
                to.awaitRunning("q");
                double seconds = done.get("total_time_ms").asDouble() / 1000;
                double mibPerS = done.get("bandwidth_bytes_per_s").asDouble() / 1048576;
                double opsPct = 100 * done.get("app_ops_per_s_during").asDouble() / Math.max(1, done.get("app_ops_per_s_before").asDouble());
                (query ? queried : quiet).add(new double[] {seconds, mibPerS, opsPct});
                System.out.printf(Locale.ROOT, "| %d | %s | %d | %.2f | %.1f | %.0f %% | %.0f |%n", run, query ? "10" : "0", answered.get(),
                        seconds, mibPerS, opsPct, done.get("downtime_ms").asDouble());
                HostJvm swap = from;
                from = to;
                to = swap;
            }
            double quietRate = MigrationRun.median(quiet.stream().mapToDouble(r -> r[1]).toArray());
            double queriedRate = MigrationRun.median(queried.stream().mapToDouble(r -> r[1]).toArray());
            System.out.printf(Locale.ROOT, "%nmedian MiB/s sent: %.1f without queries, %.1f with 10 queries/s (%+.1f %%); median total s: %.2f vs %.2f%n",
                    quietRate, queriedRate, 100 * (queriedRate - quietRate) / quietRate,
                    MigrationRun.median(quiet.stream().mapToDouble(r -> r[0]).toArray()),
                    MigrationRun.median(queried.stream().mapToDouble(r -> r[0]).toArray()));
        }
    }

    private static String threadsLine(HostJvm host) throws Exception {
        Map<String, Double> m = host.metrics();
        return String.format(Locale.ROOT, "host threads %.0f, fds %.0f, heap after GC %.1f MiB", m.get("livemig_process_threads"),
                m.get("livemig_process_open_fds"), m.get("livemig_process_heap_after_gc_bytes") / 1048576);
    }

    // ---- a host JVM and its control API ----

    /** A {@code livemig host} child JVM on loopback, and a client of its control API. */
    private static final class HostJvm implements AutoCloseable {
        final String name;
        final ChildJvm jvm;
        final HostPort migration;
        final ControlClient client;

        private HostJvm(String name, ChildJvm jvm, HostPort migration, HostPort control) {
            this.name = name;
            this.jvm = jvm;
            this.migration = migration;
            this.client = new ControlClient(control, null, null, Duration.ofSeconds(120));
        }

        static HostJvm start(String name, String maxMemory) throws Exception {
            CompletableFuture<HostPort> control = new CompletableFuture<>();
            Path log = Files.createTempFile("livemig-host-" + name, ".log");
            ChildJvm jvm = ChildJvm.start("host-" + name, List.of("host", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0",
                    "--max-memory", maxMemory), log, line -> {
                        Matcher m = CONTROL.matcher(line);
                        if (m.find()) control.complete(new HostPort(m.group(1), Integer.parseInt(m.group(2))));
                    });
            int port = jvm.awaitListening(Duration.ofSeconds(120));
            return new HostJvm(name, jvm, new HostPort("127.0.0.1", port), control.get(60, TimeUnit.SECONDS));
        }

        ControlClient.Reply call(String method, String path, Object body) throws Exception {
            return client.request(method, path, body == null ? null : StatsJson.mapper().writeValueAsString(body));
        }

        JsonNode ok(String method, String path, Object body) throws Exception {
            ControlClient.Reply reply = call(method, path, body);
            if (!reply.ok()) throw new IllegalStateException(name + ": " + method + " " + path + ": " + reply.status() + " " + reply.body());
            return StatsJson.mapper().readTree(reply.body());
        }

        JsonNode migrateAndWait(String guest, HostJvm to, Map<String, Object> options) throws Exception {
            String id = ok("POST", "/migrations", Map.of("name", guest, "to", to.migration.toString(), "options", options)).get("id").asText();
            JsonNode done = awaitEnd("/migrations/" + id, 1800);
            if (!done.get("status").asText().equals("completed")) throw new IllegalStateException(name + ": " + done);
            return done;
        }

        JsonNode awaitEnd(String path, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                JsonNode view = ok("GET", path, null);
                if (!view.get("status").asText().equals("active")) return view;
                if (System.nanoTime() > deadline) throw new IllegalStateException(name + ": " + path + " still active");
                Thread.sleep(200);
            }
        }

        void awaitRunning(String guest) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                ControlClient.Reply reply = call("GET", "/guests/" + guest, null);
                if (reply.ok() && StatsJson.mapper().readTree(reply.body()).get("state").asText().equals("running")) return;
                if (System.nanoTime() > deadline) throw new IllegalStateException(guest + " never ran on " + name + ": " + reply.body());
                Thread.sleep(50);
            }
        }

        /** The samples of GET /metrics without labels, by name. */
        Map<String, Double> metrics() throws Exception {
            Map<String, Double> values = new LinkedHashMap<>();
            for (String line : call("GET", "/metrics", null).body().split("\n")) {
                if (line.startsWith("#") || line.contains("{")) continue;
                String[] f = line.split(" ");
                if (f.length == 2) values.put(f[0], Double.parseDouble(f[1]));
            }
            return values;
        }

        double rssMiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + jvm.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            } catch (IOException e) {
                // the process is gone
            }
            return -1;
        }

        @Override
        public void close() {
            client.close();
            jvm.close();
        }
    }
}
