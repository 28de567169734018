package io.livemig.migrator.estimate;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.DirtyLog;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples a running guest for the model, before any migration (it clears the dirty log): one
 * window over most of the sample in which the dirty log's count of distinct dirty pages is read at
 * 1, 2, 4, ... ms of wall time beside the vCPUs' CPU time (the points of W(tau)); the pages that
 * hold data, counted before and after the window (their growth, and the time a scan takes), and
 * the time a memory digest takes. Also the CPU share the host
 * gives each vCPU, the dirty rate over one second (as QEMU's calc-dirty-rate reports it) and the
 * guest's throughput.
 */
public final class GuestSampler {
    /** The shortest window worth measuring, whatever is left of the sample after the scans. */
    static final long MIN_WINDOW_NANOS = 100_000_000L;
    private static final long FIRST_POINT_NANOS = 1_000_000L;

    /**
     * What a sample found.
     *
     * @param profile            the model's view of the guest
     * @param curve              W(tau) as measured
     * @param dirtyRateBytesPerS distinct bytes dirtied in the window's first second (or the whole window if shorter), per second
     * @param opsPerS            the guest's operations per second over the window
     * @param windowNanos        the window's length
     */
    public record Sample(GuestProfile profile, MeasuredCurve curve, double dirtyRateBytesPerS, double opsPerS, long windowNanos) {}

    private GuestSampler() {}

    /**
     * Samples {@code vm} (running) for about {@code duration}.
     *
     * @param timeDigest whether to time a digest of memory (the stop-and-copy waits for one when
     *                   the digests are compared before the resume)
     */
    public static Sample sample(VirtualMachine vm, Duration duration, boolean timeDigest) throws InterruptedException {
        GuestMemory memory = vm.memory();
        // The scans read all of memory: leave them room at the end, where the guest is most like
        // the guest a migration starting now would find.
        double scanShare = timeDigest ? 0.25 : 0.15;
        long windowNanos = Math.max(MIN_WINDOW_NANOS, (long) (duration.toNanos() * (1 - scanShare)));
        long firstScan = System.nanoTime();
        long nonZeroBefore = countNonZero(memory);
        Window w = window(vm, windowNanos);
        long pageCount = memory.pageCount();
        long scanStart = System.nanoTime();
        long nonZero = countNonZero(memory);
        long scanNanos = Math.max(1, System.nanoTime() - scanStart);
        double nonZeroPerS = Math.max(0, nonZero - nonZeroBefore) * 1e9 / Math.max(1, scanStart - firstScan);
        double zeroScanBytesPerS = Math.max(1e9, (pageCount - nonZero) * (double) memory.pageSize() * 1e9 / scanNanos);
        double digestBytesPerS = 0;
        if (timeDigest) {
            long d0 = System.nanoTime();
            memory.digest();
            digestBytesPerS = memory.sizeBytes() * 1e9 / Math.max(1, System.nanoTime() - d0);
        }
        GuestProfile profile = new GuestProfile(memory.sizeBytes(), memory.pageSize(), vm.config().vcpus(), nonZero, nonZeroPerS, w.curve,
                w.cpuShare, digestBytesPerS, zeroScanBytesPerS);
        return new Sample(profile, w.curve, w.dirtyRateBytesPerS, w.opsPerS, w.wallNanos);
    }

    private static long countNonZero(GuestMemory memory) {
        long nonZero = 0;
        for (long page = 0, n = memory.pageCount(); page < n; page++) if (!memory.isZeroPage(page)) nonZero++;
        return nonZero;
    }

    private record Window(MeasuredCurve curve, double cpuShare, double dirtyRateBytesPerS, double opsPerS, long wallNanos) {}

    private static Window window(VirtualMachine vm, long windowNanos) throws InterruptedException {
        DirtyLog log = vm.memory().dirtyLog();
        int vcpus = vm.config().vcpus();
        long pageCount = vm.memory().pageCount();
        if (!log.isEnabled()) log.enable();
        log.syncAndClear(new DirtyBitmap(pageCount));
        long wall0 = System.nanoTime();
        long cpu0 = vm.cpuTimeNanos();
        long ops0 = vm.totalOps();
        List<long[]> points = new ArrayList<>();
        long pagesAtOneSecond = -1;
        long next = FIRST_POINT_NANOS;
        long wall;
        while (true) {
            long until = wall0 + Math.min(next, windowNanos);
            long now = System.nanoTime();
            if (until > now) Thread.sleep((until - now) / 1_000_000, (int) ((until - now) % 1_000_000));
            long dirty = log.countDirty();
            long cpu = (vm.cpuTimeNanos() - cpu0) / vcpus;
            wall = System.nanoTime() - wall0;
            if (cpu > 0 && (points.isEmpty() || cpu > points.get(points.size() - 1)[0])) {
                long floor = points.isEmpty() ? 0 : points.get(points.size() - 1)[1];
                points.add(new long[]{cpu, Math.max(floor, dirty)});
            }
            if (pagesAtOneSecond < 0 && wall >= 1_000_000_000L) pagesAtOneSecond = dirty * 1_000_000_000L / wall;
            if (wall >= windowNanos) break;
            next *= 2;
        }
        long ops = vm.totalOps() - ops0;
        long cpuTotal = vm.cpuTimeNanos() - cpu0;
        if (points.isEmpty()) points.add(new long[]{1, 0}); // a guest that got no CPU at all dirtied nothing
        long[] t = points.stream().mapToLong(p -> p[0]).toArray();
        long[] p = points.stream().mapToLong(x -> x[1]).toArray();
        long lastPages = p[p.length - 1];
        double rate = (pagesAtOneSecond >= 0 ? pagesAtOneSecond : lastPages * 1e9 / wall) * vm.memory().pageSize();
        double share = Math.max(0.001, Math.min(1, cpuTotal / (double) vcpus / wall));
        return new Window(new MeasuredCurve(t, p, pageCount), share, rate, ops * 1e9 / wall, wall);
    }
}
