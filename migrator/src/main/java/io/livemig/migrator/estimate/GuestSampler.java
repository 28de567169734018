package io.livemig.migrator.estimate;

import io.livemig.emulator.DigestWarmUp;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.emulator.WorkingSetCurve;
import io.livemig.emulator.WorkingSetSampler;

import java.time.Duration;

/**
 * Samples a running guest for the model, before any migration (it clears the dirty log): one
 * window over most of the sample in which the emulator's {@code WorkingSetSampler} measures W(tau)
 * (each vCPU records the pages it newly dirties against its own CPU time, from 16 us up); the pages
 * that hold data, counted before and after the window (their growth, and the time a scan takes);
 * and the time a memory digest takes. Also the CPU share the host
 * gives each vCPU, the dirty rate over one second (as QEMU's calc-dirty-rate reports it) and the
 * guest's throughput.
 */
public final class GuestSampler {
    /** Steps per vCPU the step probe runs by hand, at most... */
    static final int STEP_PROBE_STEPS = 64;
    /** ...stopping once this share of memory is dirty (past it, a fast writer's steps find their pages dirty already). */
    static final double STEP_PROBE_MAX_DIRTY_SHARE = 0.05;

    /** The shortest window worth measuring, whatever is left of the sample after the scans. */
    static final long MIN_WINDOW_NANOS = 100_000_000L;

    /**
     * What a sample found.
     *
     * @param profile            the model's view of the guest
     * @param curve              W(tau) as measured
     * @param dirtyRateBytesPerS distinct bytes dirtied in one second at the CPU share seen (or in the whole window if shorter), per second
     * @param opsPerS            the guest's operations per second over the window
     * @param windowNanos        the window's length
     */
    public record Sample(GuestProfile profile, MeasuredCurve curve, double dirtyRateBytesPerS, double opsPerS, long windowNanos) {}

    private GuestSampler() {}

    /**
     * What is left of a sample of {@code total} after {@code spentNanos} (a link probe), but never
     * less than half of it: a slow probe on a busy host lengthens the estimate rather than leave
     * the guest unmeasured.
     */
    public static Duration windowAfter(Duration total, long spentNanos) {
        return Duration.ofNanos(Math.max(total.toNanos() / 2, total.toNanos() - spentNanos));
    }

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
        double pagesPerStep = pagesPerStep(vm);
        long pageCount = memory.pageCount();
        long scanStart = System.nanoTime();
        long nonZero = countNonZero(memory);
        long scanNanos = Math.max(1, System.nanoTime() - scanStart);
        double nonZeroPerS = Math.max(0, nonZero - nonZeroBefore) * 1e9 / Math.max(1, scanStart - firstScan);
        double zeroScanBytesPerS = Math.max(1e9, (pageCount - nonZero) * (double) memory.pageSize() * 1e9 / scanNanos);
        double digestBytesPerS = 0;
        if (timeDigest) {
            DigestWarmUp.once(memory); // the stop-and-copy's digest runs compiled (SourceSetup)
            long d0 = System.nanoTime();
            memory.digest();
            double sampled = memory.sizeBytes() * 1e9 / Math.max(1, System.nanoTime() - d0);
            digestBytesPerS = pausedGuestDigestRate(sampled, vm.config().vcpus(), w.cpuShare,
                    Runtime.getRuntime().availableProcessors());
        }
        // The scans bracket more than the window (the first scan, the step probe): the window's share of the growth.
        long freshInWindow = Math.round(nonZeroPerS * w.wallNanos / 1e9);
        MeasuredCurve curve = boundedByRegion(w.curve, nonZero - freshInWindow, nonZero, pageCount);
        GuestProfile profile = new GuestProfile(memory.sizeBytes(), memory.pageSize(), vm.config().vcpus(), nonZero, nonZeroPerS, curve,
                w.cpuShare, w.hostShare, digestBytesPerS, zeroScanBytesPerS, pagesPerStep, scanStart - firstScan, 0); // the lead is the forecast's (Forecast.of)
        return new Sample(profile, curve, w.dirtyRateBytesPerS, w.opsPerS, w.wallNanos);
    }

    /**
     * The window's curve, bounded by the region the guest writes in ({@link #writeRegionPages}): a
     * guest still filling its region, most of the window's pages new to it, has shown only the straight
     * start of its curve, and the region says where it flattens ({@link MeasuredCurve#onRegion}); any
     * other only caps the fitted shape there. (A skewed guest reads a region too small, its hot pages
     * met again more often than at random: its fit, which sees its bend, is kept, and only capped.)
     *
     * @param before pages holding data when the window opened
     * @param after  pages holding data when it closed
     */
    static MeasuredCurve boundedByRegion(MeasuredCurve curve, long before, long after, long pageCount) {
        long fresh = after - before;
        long dirtied = curve.lastPages();
        long region = writeRegionPages(before, after, dirtied, pageCount);
        return fresh < dirtied && 2 * fresh >= dirtied ? curve.onRegion(region) : curve.withLimit(region);
    }

    /**
     * How many pages the guest's writes land in, as the scans and the window tell it: of the
     * {@code dirtied} distinct pages the window saw, {@code after - before} had held no data; a guest
     * writing at random over N pages, {@code before} of them written already, finds a page new with
     * the chance 1 - before / N, so N = before / (1 - new / dirtied). A short sample of a random writer
     * reads as a straight line, and its curve went on to the guest's whole memory: the paper's 64 MiB
     * writer in a 128 MiB guest, sampled for 0.4 s, was predicted to send 25 000-32 768 pages in
     * round 0 where it sent 15 000-16 300 (10 runs of 60 over by 25-100 %, none under). The whole
     * memory when nothing bounds it: no page newly written (nothing dirtied) or every page new (a
     * guest filling its memory in order says nothing of where it stops). The new pages are the
     * window's share of what the two scans saw. Read as it is, with no margin: in 32 runs of the
     * paper's four writers (8 each) the region read 0.65-1.07 of their 16 384 pages, and round 0's pages came
     * within 0.89-1.07 of measured; with 20 % to spare (session 16) they were 0.91-1.21.
     */
    static long writeRegionPages(long before, long after, long dirtied, long pageCount) {
        long fresh = after - before;
        if (dirtied <= 0 || fresh >= dirtied) return pageCount;
        if (fresh <= 0) return Math.max(after, dirtied);
        return Math.min(pageCount, (long) Math.ceil(before / (1 - fresh / (double) dirtied)));
    }

    /**
     * The pages one step of a vCPU newly dirties, from a clean log. The guest is paused, the log
     * cleared, and its steps are run by hand on this thread (real guest work, deterministic whatever
     * the host's load: a running vCPU can sweep its whole working set between two looks of a
     * descheduled sampler), {@link #STEP_PROBE_STEPS} per vCPU or until
     * {@link #STEP_PROBE_MAX_DIRTY_SHARE} of memory is dirty; then it runs again. (A dirty-limited
     * vCPU runs one step after each of the limiter's sleeps.)
     */
    static double pagesPerStep(VirtualMachine vm) {
        var log = vm.memory().dirtyLog();
        boolean wasEnabled = log.isEnabled();
        boolean running = vm.state() == VmState.RUNNING;
        if (running) vm.pause();
        try {
            log.enable();
            long[] start = stepsAndPages(vm);
            long maxPages = Math.max(1, (long) (STEP_PROBE_MAX_DIRTY_SHARE * vm.memory().pageCount()));
            long[] now = start;
            for (int s = 0; s < STEP_PROBE_STEPS && now[1] - start[1] < maxPages; s++) {
                vm.stepByHand(1);
                now = stepsAndPages(vm);
            }
            long steps = now[0] - start[0];
            return steps <= 0 ? 0 : (double) (now[1] - start[1]) / steps;
        } finally {
            if (!wasEnabled) log.disable();
            if (running) vm.resume();
        }
    }

    private static long[] stepsAndPages(VirtualMachine vm) {
        long steps = 0, pages = 0;
        for (int i = 0; i < vm.config().vcpus(); i++) {
            steps += vm.stepsOf(i);
            pages += vm.pagesDirtiedBy(i);
        }
        return new long[]{steps, pages};
    }

    /**
     * The digest's rate in the stop-and-copy, from its rate here: here its threads
     * (up to {@link GuestMemory#MAX_DIGEST_THREADS}) shared the cores with the running vCPUs; there the guest is
     * paused and they have the cores to themselves.
     */
    static double pausedGuestDigestRate(double sampledBytesPerS, int vcpus, double cpuShare, int cores) {
        int threads = Math.min(GuestMemory.MAX_DIGEST_THREADS, cores);
        double freeWhileSampled = Math.max(0.5, Math.min(threads, cores - vcpus * cpuShare));
        return sampledBytesPerS * threads / freeWhileSampled;
    }

    private static long countNonZero(GuestMemory memory) {
        long nonZero = 0;
        for (long page = 0, n = memory.pageCount(); page < n; page++) if (!memory.isZeroPage(page)) nonZero++;
        return nonZero;
    }

    private record Window(MeasuredCurve curve, double cpuShare, double hostShare, double dirtyRateBytesPerS, double opsPerS, long wallNanos) {}

    private static Window window(VirtualMachine vm, long windowNanos) throws InterruptedException {
        long pageCount = vm.memory().pageCount();
        long wall0 = System.nanoTime();
        long ops0 = vm.totalOps();
        // The emulator's sampler: each vCPU records (CPU time, pages newly dirtied) at its safe points.
        WorkingSetSampler sampler = vm.workingSet();
        sampler.openWindowOnCleanLog(vm.memory().dirtyLog());
        CoreShare got;
        WorkingSetCurve measured;
        try {
            got = CoreShare.measure(vm, windowNanos);
            measured = sampler.curve();
        } finally {
            sampler.stop();
        }
        long wall = Math.max(1, System.nanoTime() - wall0);
        long ops = vm.totalOps() - ops0;
        MeasuredCurve curve = measured.isEmpty()
                ? new MeasuredCurve(new long[]{1}, new long[]{0}, pageCount) // no vCPU ran: nothing was dirtied
                : new MeasuredCurve(measured.cpuNanos(), measured.pages(), pageCount);
        double second = Math.min(1e9, wall);
        double rate = curve.pagesAt(got.cpuShare() * second) * vm.memory().pageSize() * 1e9 / second;
        return new Window(curve, got.cpuShare(), got.hostShare(), rate, ops * 1e9 / wall, wall);
    }
}
