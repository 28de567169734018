package io.livemig.migrator.migration;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.latency.LatencyMonitor;
import io.livemig.migrator.latency.LatencyPhase;

import java.time.Duration;
import java.util.Arrays;

/**
 * The guest's throughput before a migration, the reference for the work it loses. Measured over a
 * steady window: the guest first runs for a warm-up (the first half of the time it is given),
 * faulting in its working set and reaching its pace, then its operations are counted over the
 * second half, in slices whose median pace is the baseline. The operation latencies of that window are the "before" phase.
 *
 * @param opsPerS  operations per second over the window (0 when there was none)
 * @param windowNanos  the window's length
 * @param latency  the latency monitor, in phase BEFORE since the window began; the migration
 *                 carries it on (null: the migration starts its own, with an empty "before")
 */
public record Baseline(double opsPerS, long windowNanos, LatencyMonitor latency) {
    /** A window shorter than this says little; the warm-up is then skipped. */
    static final long MIN_WINDOW_NANOS = 200_000_000L;

    /** No measurement: work lost is then reckoned from the guest's pace during pre-copy. */
    public static final Baseline NONE = new Baseline(0, 0, null);

    public static Baseline of(double opsPerS) {
        return new Baseline(opsPerS, 0, null);
    }

    /** How the measurement waits; a command can cut it short (e.g. on a termination signal). */
    @FunctionalInterface
    public interface Wait {
        void waitFor(Duration duration) throws InterruptedException;
    }

    /** Lets the running guest warm up for half of {@code runFor}, then measures it over the other half. */
    public static Baseline measure(VirtualMachine vm, Duration runFor, HostClock clock) throws InterruptedException {
        return measure(vm, runFor, clock, Baseline::sleep);
    }

    /** As {@link #measure(VirtualMachine, Duration, HostClock)}, waiting with {@code wait}. */
    public static Baseline measure(VirtualMachine vm, Duration runFor, HostClock clock, Wait wait) throws InterruptedException {
        long total = Math.max(1_000_000L, runFor.toNanos());
        long warmUp = total >= 2 * MIN_WINDOW_NANOS ? total / 2 : 0;
        if (warmUp > 0) wait.waitFor(Duration.ofNanos(warmUp));
        return measureNow(vm, Duration.ofNanos(total - warmUp), clock, wait);
    }

    /**
     * The window is counted in this many slices, and the baseline is their median pace: a stretch
     * in which the shared host took the guest's core away (a neighbour's burst, a GC) no longer sets
     * the reference. It does not steady a host that is slower for the whole window: one guest's
     * baselines across the saturated matrix spanned 49-95 Mops/s before the slices, 52-99 after.
     */
    static final int SLICES = 10;

    /**
     * Measures the guest, warm already, over {@code window} from now: after a sample of the cost
     * model, which disturbs it (source {@code --predict}: the guest ran at a third of its pace while
     * sampled beside a link probe, the pace it would be measured at if the two overlapped).
     */
    public static Baseline measureNow(VirtualMachine vm, Duration window, HostClock clock, Wait wait) throws InterruptedException {
        LatencyMonitor latency = LatencyMonitor.start(vm, clock, LatencyPhase.BEFORE);
        double[] paces = new double[SLICES];
        Duration slice = window.dividedBy(SLICES);
        long t0 = System.nanoTime();
        long sliceStart = t0;
        long ops = vm.totalOps();
        for (int i = 0; i < SLICES; i++) {
            wait.waitFor(slice);
            long now = System.nanoTime();
            long opsNow = vm.totalOps();
            paces[i] = (opsNow - ops) * 1e9 / Math.max(1, now - sliceStart);
            sliceStart = now;
            ops = opsNow;
        }
        Arrays.sort(paces);
        double median = (paces[SLICES / 2 - 1] + paces[SLICES / 2]) / 2;
        return new Baseline(median, System.nanoTime() - t0, latency);
    }

    private static void sleep(Duration duration) throws InterruptedException {
        long nanos = duration.toNanos();
        if (nanos > 0) Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
