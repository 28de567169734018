package io.livemig.bench.report;

import io.livemig.bench.jmh.SpinProgram;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How closely the CPU scheduler's cap holds: a 1-vCPU guest running a CPU-bound program
 * ({@link SpinProgram}) under each cap in turn; the measured share is the vCPU thread's CPU time
 * over the wall time of the window. Prints a Markdown table (cap, measured share, error in
 * percentage points).
 *
 * <p>Usage: {@code SchedulerAccuracyReport [SECONDS_PER_CAP] [ITERS_PER_STEP]} (defaults 2 and
 * {@link SpinProgram#DEFAULT_ITERS_PER_STEP}). Run it on an otherwise idle core: the share at
 * 100 % shows how much of a core the machine actually gave the vCPU.
 */
public final class SchedulerAccuracyReport {
    private static final double[] CAPS_PCT = {100, 75, 50, 25, 10, 1, 0.1};
    private static final long SETTLE_NANOS = 300_000_000L;

    private SchedulerAccuracyReport() {}

    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int iters = args.length > 1 ? Integer.parseInt(args[1]) : SpinProgram.DEFAULT_ITERS_PER_STEP;
        long windowNanos = (long) (seconds * 1e9);

        try (VirtualMachine vm = VirtualMachine.boot("sched-accuracy", new GuestConfig(16L << 20, 1), new SpinProgram(iters))) {
            vm.start();
            // Warm up the JIT at full speed so the first window measures the scheduler, not the compiler.
            Thread.sleep(SETTLE_NANOS / 1_000_000 * 2);

            System.out.printf(Locale.ROOT, "Scheduler accuracy: 1 vCPU, %s, period %d ms, %.1f s per cap, %d cores, load average %.2f%n%n",
                    vm.program().spec(), vm.scheduler().periodNanos() / 1_000_000, seconds,
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| cap (%) | measured share (%) | error (points) | steps/s |");
            System.out.println("|---:|---:|---:|---:|");
            for (double cap : CAPS_PCT) {
                vm.scheduler().setCapAll(cap);
                Thread.sleep(SETTLE_NANOS / 1_000_000);
                long ops0 = vm.totalOps();
                long cpu0 = vm.cpuTimeNanos();
                long wall0 = System.nanoTime();
                Thread.sleep(windowNanos / 1_000_000);
                long cpu1 = vm.cpuTimeNanos();
                long wall1 = System.nanoTime();
                long ops1 = vm.totalOps();
                double wallSeconds = (wall1 - wall0) / 1e9;
                double share = 100.0 * (cpu1 - cpu0) / (wall1 - wall0);
                System.out.printf(Locale.ROOT, "| %s | %.2f | %+.2f | %.0f |%n",
                        formatCap(cap), share, share - cap, (ops1 - ops0) / wallSeconds);
            }
            if (vm.failure() != null) throw new IllegalStateException("guest failed", vm.failure());
        }
    }

    private static String formatCap(double cap) {
        return cap == Math.rint(cap) ? String.format(Locale.ROOT, "%.0f", cap) : String.format(Locale.ROOT, "%.1f", cap);
    }
}
