package io.livemig.bench.report;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestMemory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The guest's access path in thread CPU time per 8-byte write, over a 1 GiB guest touched once
 * beforehand: tracked ({@link GuestMemory#writeLong}) and untracked, sequential and random, with
 * no page missing ({@code none}) and with post-copy active but every page present but a guard
 * page past the range ({@code active}). The same loop as {@code TrackedWriteBenchmark}, measured
 * in CPU time rather than wall time: on a host whose cores are shared by many busy processes a
 * descheduled thread inflates wall-time figures (JMH's) by orders of magnitude, CPU time not.
 *
 * <p>Usage: {@code AccessCpuReport [none|active|both] [REPS]}; prints one line per figure with
 * every repetition.
 */
public final class AccessCpuReport {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MEMORY_BYTES = 1L << 30;
    private static final int RANDOM_ADDRESSES = 1 << 22;

    private AccessCpuReport() {}

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "both";
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] slots = new int[RANDOM_ADDRESSES];
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < slots.length; i++) slots[i] = (int) rng.nextLong(MEMORY_BYTES >>> 3);
        for (String state : which.equals("both") ? new String[] {"none", "active"} : new String[] {which}) {
            try (GuestMemory memory = state.equals("active") ? withMissingGuardPage() : GuestMemory.allocate(MEMORY_BYTES)) {
                for (long a = 0; a < MEMORY_BYTES; a += memory.pageSize()) memory.writeLong(a, 1); // first touch, unmeasured
                for (boolean random : new boolean[] {false, true}) {
                    for (boolean tracked : new boolean[] {true, false}) {
                        long ops = random ? 20_000_000L : 100_000_000L;
                        double[] nsPerOp = new double[reps];
                        for (int r = 0; r < reps; r++) {
                            long cpu0 = THREADS.getCurrentThreadCpuTime();
                            write(memory, random, tracked, slots, ops);
                            nsPerOp[r] = (THREADS.getCurrentThreadCpuTime() - cpu0) / (double) ops;
                        }
                        double[] sorted = nsPerOp.clone();
                        Arrays.sort(sorted);
                        System.out.printf(Locale.ROOT, "%s %s %s: cpu ns/op min %.2f median %.2f %s%n", state,
                                random ? "random" : "sequential", tracked ? "tracked" : "untracked", sorted[0],
                                sorted[reps / 2], Arrays.toString(nsPerOp));
                    }
                }
            }
        }
    }

    private static void write(GuestMemory memory, boolean random, boolean tracked, int[] slots, long ops) {
        long cursor = 0;
        int next = 0;
        long mask = MEMORY_BYTES - 1;
        for (long i = 0; i < ops; i++) {
            long address;
            if (random) {
                address = (long) slots[next++ & (RANDOM_ADDRESSES - 1)] << 3;
            } else {
                address = cursor;
                cursor = (cursor + 8) & mask;
            }
            if (tracked) memory.writeLong(address, i);
            else memory.writeLongUntracked(address, i);
        }
    }

    private static GuestMemory withMissingGuardPage() {
        GuestMemory memory = GuestMemory.allocate(MEMORY_BYTES + GuestMemory.DEFAULT_PAGE_SIZE);
        DirtyBitmap guard = new DirtyBitmap(memory.pageCount());
        guard.set(memory.pageCount() - 1);
        memory.beginMissing(guard, 1, page -> { throw new IllegalStateException("the report touched the guard page"); });
        return memory;
    }
}
