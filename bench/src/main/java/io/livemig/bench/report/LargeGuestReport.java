package io.livemig.bench.report;

import io.livemig.emulator.GuestMemory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * A large guest on a small heap: allocates guest memory (default 4 GiB), writes one long into
 * every page (tracked writes, so every page ends up dirty), digests all of it, and prints the
 * heap in use against the guest size. Run it with {@code -Xmx256m} to show that guest RAM lives
 * off-heap and the heap holds only the dirty log (one byte per page).
 *
 * <p>Usage: {@code LargeGuestReport [SIZE_GIB]}.
 */
public final class LargeGuestReport {
    private static final long MIB = 1L << 20;

    private LargeGuestReport() {}

    public static void main(String[] args) {
        long gib = args.length > 0 ? Long.parseLong(args[0]) : 4;
        long sizeBytes = gib << 30;
        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "max heap %d MiB; guest %d GiB%n", rt.maxMemory() / MIB, gib);

        long t0 = System.nanoTime();
        try (GuestMemory memory = GuestMemory.allocate(sizeBytes)) {
            long t1 = System.nanoTime();
            long pageSize = memory.pageSize();
            for (long page = 0; page < memory.pageCount(); page++) {
                memory.writeLong(page * pageSize, page ^ 0x5DEECE66DL);
            }
            long t2 = System.nanoTime();
            long digest = memory.digest();
            long t3 = System.nanoTime();
            long dirty = memory.dirtyLog().countDirty();
            System.gc();
            long heapUsed = heap.getHeapMemoryUsage().getUsed();

            System.out.printf(Locale.ROOT, "pages %d of %d bytes; dirty after writing %d%n", memory.pageCount(), pageSize, dirty);
            System.out.printf(Locale.ROOT, "allocate+zero %.2f s; one write per page %.2f s; digest %.2f s (%.2f GB/s); digest %016x%n",
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, sizeBytes / ((t3 - t2) / 1e9) / 1e9, digest);
            System.out.printf(Locale.ROOT, "heap used after GC %.1f MiB (committed %.1f MiB, max %d MiB) for a guest of %d MiB: %.3f %% of guest size%n",
                    heapUsed / (double) MIB, heap.getHeapMemoryUsage().getCommitted() / (double) MIB, rt.maxMemory() / MIB,
                    sizeBytes / MIB, 100.0 * heapUsed / sizeBytes);
        }
    }
}
