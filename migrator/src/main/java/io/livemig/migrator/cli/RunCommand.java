package io.livemig.migrator.cli;

import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.latency.Latencies;
import io.livemig.migrator.latency.LatencyMonitor;
import io.livemig.migrator.latency.LatencyPhase;
import io.livemig.migrator.protocol.LatencyReport.LatencySummary;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.stats.StatsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code livemig run}: a guest without migration, to measure its throughput and dirty rate. */
@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Runs a guest without migrating it and prints, once a second and at the end, its ops/s, "
                + "dirty rate (pages newly dirtied per second) and the vCPUs' CPU share; then verifies it. Exit status "
                + "0 when the guest passed its own check, 1 when not, 2 for bad input.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    GuestOptions guest;

    @Option(names = "--for", required = true, paramLabel = "DURATION", converter = Converters.Time.class,
            description = "How long to run, e.g. 10s.")
    Duration runFor;

    @Option(names = "--cap", paramLabel = "PCT", defaultValue = "100",
            description = "CPU cap of every vCPU, 0.1..100 %% of a core (default: ${DEFAULT-VALUE}).")
    double capPct;

    @Option(names = "--stats-json", paramLabel = "FILE", description = "Write the figures as one JSON object.")
    Path statsJson;

    @Override
    public Integer call() throws Exception {
        if (runFor.isZero() || runFor.isNegative()) throw new UsageException("--for must be positive");
        if (!(capPct >= 0.1 && capPct <= 100)) throw new UsageException("--cap must be 0.1..100, got " + capPct);
        try (VirtualMachine vm = guest.boot("run")) {
            GuestMemory memory = vm.memory();
            DirtyBitmap dirty = new DirtyBitmap(memory.pageCount());
            GuestMeter meter = new GuestMeter(vm);
            vm.scheduler().setCapAll(capPct);
            memory.dirtyLog().enable();
            vm.start();
            LatencyMonitor latency = LatencyMonitor.start(vm, HostClock.SYSTEM, LatencyPhase.BEFORE);
            GuestMeter.Sample start = meter.sample();
            GuestMeter.Sample last = start;
            long dirtyPagesTotal = 0;
            long endNanos = start.wallNanos() + runFor.toNanos();
            while (true) {
                long now = System.nanoTime();
                if (now >= endNanos) break;
                Thread.sleep(Math.max(1, Math.min(1000, (endNanos - now) / 1_000_000)));
                GuestMeter.Sample s = meter.sample();
                long dirtyPages = memory.dirtyLog().syncAndClear(dirty);
                dirtyPagesTotal += dirtyPages;
                double seconds = (s.wallNanos() - last.wallNanos()) / 1e9;
                System.err.printf("t=%5.1fs  %12.0f ops/s  dirty %9.1f MiB/s  cpu %5.1f %%%n",
                        (s.wallNanos() - start.wallNanos()) / 1e9, GuestMeter.opsPerSecond(last, s),
                        dirtyPages * (double) memory.pageSize() / seconds / 1048576.0, meter.cpuSharePct(last, s));
                last = s;
            }
            vm.pause();
            GuestMeter.Sample end = meter.sample();
            latency.close();
            LatencySummary ops = latency.summary(LatencyPhase.BEFORE);
            Verification verdict = vm.verify();
            double seconds = (end.wallNanos() - start.wallNanos()) / 1e9;
            RunStats stats = RunStats.builder().workload(vm.program().spec()).memoryBytes(memory.sizeBytes())
                    .vcpus(vm.config().vcpus()).capPct(capPct).durationS(seconds)
                    .ops(end.ops() - start.ops()).opsPerS(GuestMeter.opsPerSecond(start, end))
                    .dirtyRateBytesPerS(dirtyPagesTotal * (double) memory.pageSize() / seconds)
                    .cpuSharePct(meter.cpuSharePct(start, end)).verified(verdict.ok()).verifyDetail(verdict.detail())
                    .opLatencyUsP50(Latencies.micros(ops.p50Nanos())).opLatencyUsP99(Latencies.micros(ops.p99Nanos()))
                    .opLatencyUsP999(Latencies.micros(ops.p999Nanos())).opLatencyUsMax(Latencies.micros(ops.maxNanos()))
                    .build();
            System.out.printf("%s: %d ops in %.1f s = %.0f ops/s, dirty rate %.1f MiB/s, cpu share %.1f %%, verify: %s (%s)%n",
                    stats.workload(), stats.ops(), seconds, stats.opsPerS(), stats.dirtyRateBytesPerS() / 1048576.0,
                    stats.cpuSharePct(), verdict.ok() ? "passed" : "FAILED", verdict.detail());
            System.out.printf("operation latency: p50 %.2f us, p99 %.2f us, p99.9 %.2f us, max %.1f us%n", stats.opLatencyUsP50(),
                    stats.opLatencyUsP99(), stats.opLatencyUsP999(), stats.opLatencyUsMax());
            if (statsJson != null) StatsJson.write(statsJson, stats);
            return verdict.ok() ? Cli.EXIT_OK : Cli.EXIT_FAILED;
        }
    }
}
