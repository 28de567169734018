package io.livemig.bench.jmh;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.DirtyLog;
import io.livemig.emulator.GuestMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link DirtyLog#syncAndClear} over a 1 GiB guest (262,144 pages of 4 KiB) with a given share of
 * pages dirty: the migrator's per-round cost of taking the dirty set.
 *
 * <p>Method: the dirty pages are a fixed random subset chosen in trial setup; a
 * {@code @Setup(Level.Invocation)} marks them again before every call, outside the measured time,
 * so each call takes exactly that set. One call lasts tens to hundreds of microseconds, so
 * JMH's per-invocation timestamps (tens of nanoseconds) do not distort it. Re-marking leaves the
 * flags in the cache, as they are when vCPUs have just written them; a log marked long ago would
 * cost a little more.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.OPEN_REFLECT,
        JvmFlags.OPEN_NIO, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, JvmFlags.NO_DISK_MONITOR})
@State(Scope.Thread)
public class SyncAndClearBenchmark {
    @Param({"1073741824"})
    public long memoryBytes;

    /** Share of pages dirty at each sync, in percent. */
    @Param({"1", "10", "100"})
    public int dirtyPct;

    private GuestMemory memory;
    private DirtyLog log;
    private DirtyBitmap bitmap;
    private int[] dirtyPages;

    @Setup(Level.Trial)
    public void setUp() {
        memory = GuestMemory.allocate(memoryBytes);
        log = memory.dirtyLog();
        log.enable();
        bitmap = new DirtyBitmap(memory.pageCount());
        int pages = (int) memory.pageCount();
        int[] all = new int[pages];
        for (int i = 0; i < pages; i++) all[i] = i;
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = pages - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int count = (int) ((long) pages * dirtyPct / 100);
        dirtyPages = java.util.Arrays.copyOf(all, count);
        java.util.Arrays.sort(dirtyPages);
    }

    @Setup(Level.Invocation)
    public void markDirty() {
        for (int page : dirtyPages) log.mark(page);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.close();
    }

    @Benchmark
    public long syncAndClear() {
        long taken = log.syncAndClear(bitmap);
        if (taken != dirtyPages.length) throw new AssertionError("took " + taken + " pages, expected " + dirtyPages.length);
        return taken;
    }
}
