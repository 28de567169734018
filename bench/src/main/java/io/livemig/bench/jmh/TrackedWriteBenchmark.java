package io.livemig.bench.jmh;

import io.livemig.emulator.DirtyBitmap;
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
 * The cost of one tracked 8-byte guest write ({@link GuestMemory#writeLong}: bounds check, data
 * store, release-store dirty mark) against the same write without the mark
 * ({@link GuestMemory#writeLongUntracked}).
 *
 * <p>Random: addresses are drawn once in setup into an array of 8-byte slot numbers, spread over
 * the whole guest, so the benchmark pays for cache and TLB misses as a guest would, never for the
 * RNG. Sequential: a cursor walks the guest 8 bytes at a time and wraps. Both methods of a pattern
 * compute addresses the same way, so their difference is the cost of tracking.
 *
 * <p>{@code missingPages}: {@code none} is the plain guest; {@code active} is a post-copy
 * destination whose pages have all arrived but one guard page past the benchmark's range, so the
 * memory stays on its missing-page access path (a presence check per access) for the whole run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.OPEN_REFLECT,
        JvmFlags.OPEN_NIO, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, JvmFlags.NO_DISK_MONITOR})
@State(Scope.Thread)
public class TrackedWriteBenchmark {
    /** 4 Mi precomputed random addresses (16 MiB of ints): far more than the caches hold. */
    private static final int RANDOM_ADDRESSES = 1 << 22;

    @Param({"1073741824"})
    public long memoryBytes;

    @Param({"random", "sequential"})
    public String pattern;

    @Param({"none", "active"})
    public String missingPages;

    private GuestMemory memory;
    private int[] slots;
    private long sizeMask;
    private boolean random;
    private int next;
    private long cursor;
    private long value;

    @Setup(Level.Trial)
    public void setUp() {
        if (Long.bitCount(memoryBytes) != 1) throw new IllegalArgumentException("memoryBytes must be a power of two");
        memory = switch (missingPages) {
            case "none" -> GuestMemory.allocate(memoryBytes);
            case "active" -> withMissingGuardPage(memoryBytes);
            default -> throw new IllegalArgumentException("missingPages must be none or active: " + missingPages);
        };
        sizeMask = memoryBytes - 1;
        random = switch (pattern) {
            case "random" -> true;
            case "sequential" -> false;
            default -> throw new IllegalArgumentException("pattern must be random or sequential: " + pattern);
        };
        SplittableRandom rng = new SplittableRandom(42);
        long slotCount = memoryBytes >>> 3;
        slots = new int[RANDOM_ADDRESSES];
        for (int i = 0; i < slots.length; i++) slots[i] = (int) rng.nextLong(slotCount);
    }

    /** A memory one page longer than the range written, its last page missing and never loaded. */
    private static GuestMemory withMissingGuardPage(long bytes) {
        GuestMemory memory = GuestMemory.allocate(bytes + GuestMemory.DEFAULT_PAGE_SIZE);
        DirtyBitmap guard = new DirtyBitmap(memory.pageCount());
        guard.set(memory.pageCount() - 1);
        memory.beginMissing(guard, 1, page -> { throw new IllegalStateException("the benchmark touched the guard page"); });
        return memory;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.close();
    }

    private long nextAddress() {
        if (random) {
            return (long) slots[next++ & (RANDOM_ADDRESSES - 1)] << 3;
        }
        long address = cursor;
        cursor = (cursor + 8) & sizeMask;
        return address;
    }

    @Benchmark
    public void tracked() {
        memory.writeLong(nextAddress(), value++);
    }

    @Benchmark
    public void untracked() {
        memory.writeLongUntracked(nextAddress(), value++);
    }
}
