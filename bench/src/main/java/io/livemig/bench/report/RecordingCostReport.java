package io.livemig.bench.report;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.jfr.JfrRecording;
import io.livemig.migrator.latency.LatencyMonitor;
import io.livemig.migrator.latency.LatencyPhase;
import io.livemig.workloads.Workloads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the figures cost (issue 14): the guest's operation-latency recording and a JFR recording
 * (`--jfr`: the JDK's default settings plus livemig's events), measured in one JVM with the
 * configurations interleaved, so that a machine shared with other work (its load drifts over
 * minutes) weighs on each configuration alike:
 *
 * <ul>
 *   <li><b>stepped</b>: a workload stepped on this thread ({@code VirtualMachine.stepByHand}),
 *   blocks of 2,000 steps alternating recording on and off; the fastest and the median block of
 *   each, in nanoseconds per operation;</li>
 *   <li><b>running</b>: the guest on its vCPU thread with a latency monitor (as during a
 *   migration), in 1 s windows rotating through latency on / latency off / latency on + JFR;
 *   guest ops/s and ops per CPU-second of the vCPU thread (which the load moves less), and the CPU
 *   of the helper threads (latency sampler, JFR's own threads) per second;</li>
 *   <li><b>migration</b>: an idle guest of SIZE with random data to a child {@code livemig dest},
 *   rotating through the same three configurations (on the source side): MiB/s and source CPU per
 *   100 MiB.</li>
 * </ul>
 *
 * <p>Usage: {@code RecordingCostReport [ROUNDS] [SIZE]} (defaults 5, 256m): ROUNDS windows (and
 * migrations) per configuration.
 */
public final class RecordingCostReport {
    private static final String[] WORKLOADS = {"memwrite:wss=32m", "hotcold:wss=32m", "kvstore:records=50000,value=128"};
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int BLOCKS = 200;
    private static final int STEPS_PER_BLOCK = 2_000;

    enum Config { LATENCY_ON, LATENCY_OFF, LATENCY_ON_JFR }

    private RecordingCostReport() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long size = args.length > 1 ? io.livemig.workloads.Sizes.parseSize(args[1]) : 256L << 20;
        Path jfrDir = Files.createTempDirectory("livemig-cost");
        System.out.printf(Locale.ROOT, "load average at start %s%n", MigrationRun.loadAverage());
        for (String spec : WORKLOADS) stepped(spec);
        for (String spec : WORKLOADS) running(spec, rounds, jfrDir);
        migrations(size, rounds, jfrDir);
        System.out.printf(Locale.ROOT, "load average at end %s%n", MigrationRun.loadAverage());
    }

    private static void stepped(String spec) {
        try (VirtualMachine vm = VirtualMachine.boot("steps", new GuestConfig(64L << 20, 1), Workloads.parse(spec))) {
            vm.stepByHand(20 * STEPS_PER_BLOCK); // warm-up: pages touched, code compiled
            List<Double> on = new ArrayList<>();
            List<Double> off = new ArrayList<>();
            for (int b = 0; b < BLOCKS; b++) {
                boolean recording = b % 2 == 0;
                vm.setOpLatencyRecording(recording);
                long ops0 = vm.totalOps();
                long t0 = System.nanoTime();
                vm.stepByHand(STEPS_PER_BLOCK);
                (recording ? on : off).add((double) (System.nanoTime() - t0) / Math.max(1, vm.totalOps() - ops0));
            }
            on.sort(null);
            off.sort(null);
            System.out.printf(Locale.ROOT, "stepped %s: ns/op fastest block on %.2f off %.2f (%+.1f %%), median block on %.2f off %.2f (%+.1f %%)%n",
                    spec, on.get(0), off.get(0), pct(on.get(0), off.get(0)), median(on), median(off), pct(median(on), median(off)));
        }
    }

    private static void running(String spec, int rounds, Path jfrDir) throws Exception {
        Map<Config, List<Window>> windows = new EnumMap<>(Config.class);
        try (VirtualMachine vm = VirtualMachine.boot("cost", new GuestConfig(64L << 20, 1), Workloads.parse(spec))) {
            vm.start();
            Thread.sleep(1_000); // warm-up: working set faulted in, code compiled
            LatencyMonitor monitor = LatencyMonitor.start(vm, HostClock.SYSTEM, LatencyPhase.DURING);
            for (int r = 0; r < rounds; r++) {
                for (Config config : Config.values()) {
                    vm.setOpLatencyRecording(config != Config.LATENCY_OFF);
                    JfrRecording jfr = config == Config.LATENCY_ON_JFR ? JfrRecording.start(jfrDir.resolve("running.jfr")) : null;
                    Thread.sleep(200); // settle: JFR's start-up out of the window
                    windows.computeIfAbsent(config, c -> new ArrayList<>()).add(Window.measure(vm, 1_000));
                    if (jfr != null) jfr.close();
                }
            }
            monitor.close();
            vm.pause();
        }
        StringBuilder line = new StringBuilder("running " + spec + ":");
        double onOpsPerCpuS = median(windows.get(Config.LATENCY_ON).stream().map(Window::opsPerVcpuCpuS).toList());
        for (Config config : Config.values()) {
            List<Window> ws = windows.get(config);
            double opsPerCpuS = median(ws.stream().map(Window::opsPerVcpuCpuS).toList());
            line.append(String.format(Locale.ROOT, " [%s: %.0f ops/s, %.0f ops per vCPU CPU-s%s, sampler %.2f, JFR threads %.2f CPU ms/s]",
                    config.name().toLowerCase(Locale.ROOT), median(ws.stream().map(Window::opsPerS).toList()), opsPerCpuS,
                    config == Config.LATENCY_ON ? "" : String.format(Locale.ROOT, " (%+.1f %% vs on)", pct(opsPerCpuS, onOpsPerCpuS)),
                    median(ws.stream().map(Window::samplerMsPerS).toList()), median(ws.stream().map(Window::jfrMsPerS).toList())));
        }
        System.out.println(line);
    }

    private static void migrations(long size, int rounds, Path jfrDir) throws Exception {
        Map<Config, List<double[]>> results = new EnumMap<>(Config.class);
        for (int r = 0; r < rounds; r++) {
            for (Config config : Config.values()) {
                JfrRecording jfr = config == Config.LATENCY_ON_JFR ? JfrRecording.start(jfrDir.resolve("migration.jfr")) : null;
                MigrationRun.Measured m = MigrationRun.migrateMeasured(size, 1, "idle", 0, 500, config != Config.LATENCY_OFF);
                if (jfr != null) jfr.close();
                double mib = m.stats().transferredBytes() / MigrationRun.MIB;
                results.computeIfAbsent(config, c -> new ArrayList<>())
                        .add(new double[] {m.stats().bandwidthBytesPerS() / MigrationRun.MIB, m.sourceCpuNanos() / 1e6 / mib * 100});
            }
        }
        StringBuilder line = new StringBuilder("migration " + io.livemig.workloads.Sizes.human(size) + ":");
        for (Config config : Config.values()) {
            List<double[]> rs = results.get(config);
            line.append(String.format(Locale.ROOT, " [%s: %.1f MiB/s, source CPU %.1f ms per 100 MiB]", config.name().toLowerCase(Locale.ROOT),
                    median(rs.stream().map(x -> x[0]).toList()), median(rs.stream().map(x -> x[1]).toList())));
        }
        System.out.println(line);
    }

    /** One measured window of a running guest. */
    private record Window(double opsPerS, double opsPerVcpuCpuS, double samplerMsPerS, double jfrMsPerS) {
        static Window measure(VirtualMachine vm, long millis) throws InterruptedException {
            long ops0 = vm.totalOps();
            long vcpu0 = vm.cpuTimeNanos();
            long sampler0 = samplerNanos();
            long jfr0 = jfrThreadsNanos();
            long t0 = System.nanoTime();
            Thread.sleep(millis);
            long wall = System.nanoTime() - t0;
            long ops = vm.totalOps() - ops0;
            return new Window(ops * 1e9 / wall, ops * 1e9 / Math.max(1, vm.cpuTimeNanos() - vcpu0),
                    (samplerNanos() - sampler0) * 1e3 / wall, (jfrThreadsNanos() - jfr0) * 1e3 / wall);
        }
    }

    private static long samplerNanos() {
        long sampler = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().endsWith("-latency")) sampler += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
        }
        return sampler;
    }

    /** JFR's threads, native ones included, from {@code /proc/self/task} (10 ms ticks, USER_HZ = 100). */
    private static long jfrThreadsNanos() {
        long ticks = 0;
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) return 0;
        for (java.io.File task : tasks) {
            try {
                String comm = Files.readString(task.toPath().resolve("comm")).strip();
                if (!comm.startsWith("JFR")) continue;
                String stat = Files.readString(task.toPath().resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            } catch (java.io.IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return ticks * 10_000_000L;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static double pct(double value, double reference) {
        return 100 * (value / reference - 1);
    }
}
