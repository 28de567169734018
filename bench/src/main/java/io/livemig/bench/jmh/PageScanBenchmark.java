package io.livemig.bench.jmh;

import io.livemig.emulator.GuestMemory;
import net.openhft.chronicle.bytes.BytesStore;
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

import java.util.concurrent.TimeUnit;

/**
 * Per-page operations of the migrator against plain reads of the same bytes. Each call handles
 * one page; successive calls walk the guest page by page (as a round walks its dirty bitmap) and
 * wrap, over a guest much larger than the caches. Throughput in GB/s = page size / time per call.
 *
 * <p>Every page is zero except its last 8 bytes, so {@link GuestMemory#isZeroPage} must read the
 * whole page before it answers (its worst case; a page with data near its start answers at once).
 * <ul>
 *   <li>{@code pageDigest}: CRC32C of the page (JDK intrinsic over a direct-buffer view).</li>
 *   <li>{@code isZeroPage}: the zero-page test.</li>
 *   <li>{@code readLongs}: the baseline read, summing the page's longs through {@link GuestMemory#readLong}.</li>
 *   <li>{@code copyPageOut}: the baseline copy, {@link GuestMemory#copyPageOut(long, long)} into native memory.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.OPEN_REFLECT,
        JvmFlags.OPEN_NIO, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, JvmFlags.NO_DISK_MONITOR})
@State(Scope.Thread)
public class PageScanBenchmark {
    /** 256 MiB: several times the last-level cache. */
    @Param({"268435456"})
    public long memoryBytes;

    @Param({"4096"})
    public int pageSize;

    private GuestMemory memory;
    private BytesStore<?, Void> target;
    private long targetAddress;
    private long pageMask;
    private long page;

    @Setup(Level.Trial)
    public void setUp() {
        memory = GuestMemory.allocate(memoryBytes, pageSize);
        if (Long.bitCount(memory.pageCount()) != 1) throw new IllegalArgumentException("page count must be a power of two");
        pageMask = memory.pageCount() - 1;
        for (long p = 0; p < memory.pageCount(); p++) {
            memory.writeLong((p + 1) * pageSize - 8, p + 1);
        }
        target = BytesStore.nativeStoreWithFixedCapacity(pageSize);
        targetAddress = target.addressForWrite(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        target.releaseLast();
        memory.close();
    }

    private long nextPage() {
        long p = page;
        page = (p + 1) & pageMask;
        return p;
    }

    @Benchmark
    public int pageDigest() {
        return memory.pageDigest(nextPage());
    }

    @Benchmark
    public boolean isZeroPage() {
        return memory.isZeroPage(nextPage());
    }

    @Benchmark
    public long readLongs() {
        long base = nextPage() * pageSize;
        long sum = 0;
        for (long a = base, end = base + pageSize; a < end; a += 8) {
            sum += memory.readLong(a);
        }
        return sum;
    }

    @Benchmark
    public long copyPageOut() {
        memory.copyPageOut(nextPage(), targetAddress);
        return targetAddress;
    }
}
