package io.livemig.bench.report;

import java.time.Duration;
import io.livemig.bench.experiment.Summary;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.migration.TransferOptions;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.IoCodeCompilation;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Shared parts of the migration reports: one migration of a freshly booted guest, whose memory
 * outside the workload's own area is filled with random bytes (every page non-zero), from this JVM
 * to a {@code livemig dest} in a child JVM on 127.0.0.1, with policy {@code none}; and medians.
 */
final class MigrationRun {
    static final double MIB = 1 << 20;

    private MigrationRun() {}

    /** A migration's figures and the source process's CPU time spent in it. */
    record Measured(MigrationStats stats, long sourceCpuNanos) {}

    /** Boots, fills, runs the guest for {@code runBeforeMs}, migrates it; the dest child is stopped after. */
    static MigrationStats migrate(long memoryBytes, int vcpus, String spec, long bandwidthBytesPerS, long runBeforeMs)
            throws Exception {
        return migrate(memoryBytes, vcpus, spec, bandwidthBytesPerS, runBeforeMs, TransferOptions.DEFAULTS);
    }

    /** The same with the given compression, deltas and channels. */
    static MigrationStats migrate(long memoryBytes, int vcpus, String spec, long bandwidthBytesPerS, long runBeforeMs,
                                  TransferOptions transfer) throws Exception {
        return migrateMeasured(memoryBytes, vcpus, spec, bandwidthBytesPerS, runBeforeMs, true, transfer).stats();
    }

    /** As {@link #migrate}, also measuring the CPU time this process spent from the start of the migration to its end. */
    static Measured migrateMeasured(long memoryBytes, int vcpus, String spec, long bandwidthBytesPerS, long runBeforeMs)
            throws Exception {
        return migrateMeasured(memoryBytes, vcpus, spec, bandwidthBytesPerS, runBeforeMs, true, TransferOptions.DEFAULTS);
    }

    /** As {@link #migrateMeasured}, with the source guest's operation-latency recording on or off. */
    static Measured migrateMeasured(long memoryBytes, int vcpus, String spec, long bandwidthBytesPerS, long runBeforeMs,
                                    boolean opLatency) throws Exception {
        return migrateMeasured(memoryBytes, vcpus, spec, bandwidthBytesPerS, runBeforeMs, opLatency, TransferOptions.DEFAULTS);
    }

    private static Measured migrateMeasured(long memoryBytes, int vcpus, String spec, long bandwidthBytesPerS, long runBeforeMs,
                                            boolean opLatency, TransferOptions transfer) throws Exception {
        IoCodeCompilation.requestOnce(); // as a pre-copy `livemig source` does
        List<String> destArgs = new java.util.ArrayList<>(List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s"));
        if ("false".equals(System.getProperty("livemig.prealloc"))) destArgs.add("--no-prealloc");
        String destJfr = System.getProperty("livemig.dest.jfr"); // profiling the destination: docs/profiling.md
        if (destJfr != null) destArgs.addAll(List.of("--jfr", destJfr));
        try (ChildJvm dest = ChildJvm.livemig("dest", destArgs);
             VirtualMachine vm = VirtualMachine.boot("bench-source", new GuestConfig(memoryBytes, vcpus), Workloads.parse(spec))) {
            long reserved = Workloads.requiredBytes(vm.program(), vm.config());
            fillRandom(vm.memory(), reserved, spec.hashCode());
            vm.setOpLatencyRecording(opLatency);
            int port = dest.awaitListening(Duration.ofSeconds(120));
            vm.start();
            long ops0 = vm.totalOps();
            long t0 = System.nanoTime();
            Thread.sleep(runBeforeMs);
            double opsPerS = (vm.totalOps() - ops0) * 1e9 / (System.nanoTime() - t0);
            // -Dlivemig.verify=after-resume measures the downtime without the digest comparison in it.
            MigrationOptions options = MigrationOptions.defaults().withBandwidth(bandwidthBytesPerS)
                    .withVerifyAfterResume("after-resume".equals(System.getProperty("livemig.verify")))
                    .withTransfer(transfer);
            MigrationStats stats;
            long cpuNanos;
            try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS, transfer.channels() + 1)) {
                long cpu0 = processCpuNanos();
                stats = new MigrationSource(vm, PolicySettings.defaults().create("none"), options, MigrationListener.SILENT,
                        new Handshake(), opsPerS).migrate(transport, new HostPort("127.0.0.1", port));
                cpuNanos = processCpuNanos() - cpu0;
            }
            if (dest.awaitExit(Duration.ofSeconds(60)) == null) dest.close();
            if (!stats.completed() || !stats.digestVerified()) {
                throw new IllegalStateException("migration " + stats.status() + ": " + stats.error() + "\ndest said:\n" + dest.output());
            }
            if (!dest.output().contains("verify passed")) {
                System.err.println("warning: dest output has no 'passed':\n" + dest.output());
            }
            return new Measured(stats, cpuNanos);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Random bytes in [from, size), 1 MiB at a time (tracked writes, as a guest's own). */
    static void fillRandom(GuestMemory memory, long from, long seed) {
        long start = (from + memory.pageSize() - 1) / memory.pageSize() * memory.pageSize();
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        for (long at = start; at < memory.sizeBytes(); at += chunk.length) {
            for (int i = 0; i < chunk.length; i += 8) {
                long v = rnd.nextLong();
                for (int b = 0; b < 8; b++) chunk[i + b] = (byte) (v >>> (8 * b));
            }
            int len = (int) Math.min(chunk.length, memory.sizeBytes() - at);
            memory.write(at, chunk, 0, len);
        }
    }

    /** Bytes on the wire over time of the pre-copy rounds only, in bytes/s: what {@code --bandwidth} limits. */
    static double preCopyWireRate(MigrationStats s) {
        long bytes = 0;
        double ms = 0;
        for (RoundStats r : s.roundsDetail()) {
            if (r.stopAndCopy()) continue;
            bytes += r.wireBytes();
            ms += r.durationMs();
        }
        return ms <= 0 ? 0 : bytes * 1000.0 / ms;
    }

    /** Bytes over time of the pre-copy rounds only (not the stop-and-copy), in bytes/s. */
    static double preCopyRate(MigrationStats s) {
        long bytes = 0;
        double ms = 0;
        for (RoundStats r : s.roundsDetail()) {
            if (r.stopAndCopy()) continue;
            bytes += r.bytes();
            ms += r.durationMs();
        }
        return ms <= 0 ? 0 : bytes * 1000.0 / ms;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static double median(double[] v) {
        return Summary.median(v);
    }

    /** "median (min-max)" with the given format for each number (HdrHistogram, see {@link Summary}). */
    static String mmm(String fmt, double[] v) {
        Summary s = Summary.of(v);
        return String.format(Locale.ROOT, fmt + " (" + fmt + "-" + fmt + ")", s.median(), s.min(), s.max());
    }

    static double[] of(List<MigrationStats> runs, java.util.function.ToDoubleFunction<MigrationStats> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    static String oneLine(MigrationStats s) {
        return String.format(Locale.ROOT,
                "rounds %d (%s), %.1f MiB sent, total %.0f ms, setup %.0f ms, bandwidth %.1f MiB/s, pre-copy %.1f MiB/s, "
                        + "downtime %.2f ms (pause %.2f, final %.2f, verify %.2f, resume %.2f), app downtime %.2f ms, "
                        + "last round %d pages",
                s.rounds(), s.stopReason(), s.transferredBytes() / MIB, s.totalTimeMs(), s.setupTimeMs(),
                s.bandwidthBytesPerS() / MIB, preCopyRate(s) / MIB, s.downtimeMs(), s.pauseMs(), s.finalTransferMs(),
                s.verifyMs(), s.resumeMs(), s.appDowntimeMs(),
                s.roundsDetail().isEmpty() ? 0 : s.roundsDetail().get(s.roundsDetail().size() - 1).pages());
    }
}
