package io.livemig.bench.report;

import io.livemig.bench.jmh.SpinProgram;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * How closely the CPU scheduler's cap holds: a 1-vCPU guest running a CPU-bound program
 * ({@link SpinProgram}) under each cap in turn; the measured share is the vCPU thread's CPU time
 * over the wall time of the window. Prints a Markdown table (cap, measured share, error in
 * percentage points). Each window lasts at least three of the scheduler's periods at that cap (low
 * caps run on stretched periods: 2 s at 0.01 %). A second table repeats the lowest caps with every
 * sleep bounded to 300 ms (what the migrator sets for a 300 ms downtime limit), with the longest
 * sleep taken.
 *
 * <p>Usage: {@code SchedulerAccuracyReport [SECONDS_PER_CAP] [ITERS_PER_STEP]} (defaults 2 and
 * {@link SpinProgram#DEFAULT_ITERS_PER_STEP}). Run it on an otherwise idle core: the share at
 * 100 % shows how much of a core the machine actually gave the vCPU.
 */
public final class SchedulerAccuracyReport {
    private static final double[] CAPS_PCT = {100, 75, 50, 25, 10, 1, 0.1, 0.05, 0.01};
    private static final double[] BOUNDED_CAPS_PCT = {0.1, 0.05, 0.01};
    private static final Duration SLEEP_BOUND = Duration.ofMillis(300);
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
            System.out.println("| cap (%) | period (ms) | measured share (%) | error (points) | steps/s |");
            System.out.println("|---:|---:|---:|---:|---:|");
            for (double cap : CAPS_PCT) measure(vm, cap, windowNanos, false);
            System.out.printf(Locale.ROOT, "%nEvery sleep bounded to %d ms:%n%n", SLEEP_BOUND.toMillis());
            System.out.println("| cap (%) | period (ms) | measured share (%) | error (points) | steps/s | longest sleep (ms) |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            vm.scheduler().setMaxSleep(SLEEP_BOUND);
            for (double cap : BOUNDED_CAPS_PCT) measure(vm, cap, windowNanos, true);
            if (vm.failure() != null) throw new IllegalStateException("guest failed", vm.failure());
        }
    }

    private static void measure(VirtualMachine vm, double cap, long minWindowNanos, boolean bounded) throws InterruptedException {
        vm.scheduler().setCapAll(cap);
        long periodNanos = vm.scheduler().periodNanosAtCap(cap);
        Thread.sleep(Math.max(SETTLE_NANOS, periodNanos) / 1_000_000);
        vm.scheduler().resetLongestSleep();
        long ops0 = vm.totalOps();
        long cpu0 = vm.cpuTimeNanos();
        long wall0 = System.nanoTime();
        Thread.sleep(Math.max(minWindowNanos, 3 * periodNanos) / 1_000_000);
        long cpu1 = vm.cpuTimeNanos();
        long wall1 = System.nanoTime();
        long ops1 = vm.totalOps();
        double wallSeconds = (wall1 - wall0) / 1e9;
        double share = 100.0 * (cpu1 - cpu0) / (wall1 - wall0);
        String row = String.format(Locale.ROOT, "| %s | %.0f | %.3f | %+.3f | %.0f |",
                formatCap(cap), periodNanos / 1e6, share, share - cap, (ops1 - ops0) / wallSeconds);
        if (bounded) row += String.format(Locale.ROOT, " %.1f |", vm.scheduler().longestSleepNanos() / 1e6);
        System.out.println(row);
    }

    private static String formatCap(double cap) {
        return cap == Math.rint(cap) ? String.format(Locale.ROOT, "%.0f", cap) : String.format(Locale.ROOT, "%s", cap);
    }
}
