package io.livemig.bench.report;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Sizes;
import io.livemig.workloads.Workloads;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The long soak: a kvstore guest migrated HOPS times back and forth between two endpoints over
 * loopback in this JVM, verified after every hop; prints, every 50 hops, the downtime medians and
 * the process's threads, file descriptors and heap after GC (they must stay flat).
 *
 * <pre>java ... io.livemig.bench.report.SoakReport [HOPS=200] [MEMORY=128m] [RECORDS=200000]</pre>
 */
public final class SoakReport {
    private SoakReport() {}

    public static void main(String[] args) throws Exception {
        int hops = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long memory = args.length > 1 ? Sizes.parseSize(args[1]) : 128L << 20;
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        String spec = "kvstore:records=" + records + ",value=100";
        System.out.printf(Locale.ROOT, "soak: %d hops of a %s guest running %s; load average %s%n", hops, Sizes.human(memory),
                spec, MigrationRun.loadAverage());
        DestinationOptions options = DestinationOptions.defaults(Workloads::parse);
        List<Double> downtimes = new ArrayList<>();
        VirtualMachine vm = VirtualMachine.boot("soak", new GuestConfig(memory, 1), Workloads.parse(spec));
        vm.start();
        long start = System.nanoTime();
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            System.out.println("| hops | host downtime ms (median of the last 50) | threads | fds | heap MiB after GC |");
            System.out.println("|---:|---:|---:|---:|---:|");
            for (int hop = 1; hop <= hops; hop++) {
                try (Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
                    CompletableFuture<MigrationDestination.Incoming> arrived = CompletableFuture.supplyAsync(() -> {
                        try (Connection c = listener.accept(Duration.ofSeconds(30))) {
                            return new MigrationDestination(options, new Handshake()).receive(c, "soak");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                            MigrationListener.SILENT, new Handshake(), 0)
                            .migrate(transport, new HostPort("127.0.0.1", listener.localAddress().getPort()));
                    if (!stats.completed() || !stats.digestVerified()) {
                        throw new IllegalStateException("hop " + hop + ": " + stats.status() + " " + stats.error());
                    }
                    vm.close();
                    vm = arrived.get(60, TimeUnit.SECONDS).vm();
                    downtimes.add(stats.downtimeMs());
                    long ops = vm.totalOps();
                    while (vm.totalOps() == ops) Thread.sleep(1);
                    if (!vm.verify().ok()) throw new IllegalStateException("hop " + hop + ": " + vm.verify().detail());
                }
                if (hop % 50 == 0 || hop == hops) {
                    List<Double> last = downtimes.subList(Math.max(0, downtimes.size() - 50), downtimes.size());
                    System.out.printf(Locale.ROOT, "| %d | %.1f | %d | %d | %.1f |%n", hop, MigrationRun.median(last.stream().mapToDouble(Double::doubleValue).toArray()),
                            ManagementFactory.getThreadMXBean().getThreadCount(), openFds(), heapAfterGcMiB());
                }
            }
        } finally {
            vm.close();
        }
        System.out.printf(Locale.ROOT, "%d hops in %.0f s, every one verified (digest and kvstore checksums)%n", hops,
                (System.nanoTime() - start) / 1e9);
    }

    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private static double heapAfterGcMiB() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }
}
