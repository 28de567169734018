package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VcpuContext;
import io.livemig.emulator.Verification;

/**
 * The page format of the page-writing workloads ({@code memwrite}, {@code hotcold}), like QEMU's
 * self-checking test guest: each page of the working set holds at offset 0 a count (the pass or
 * the number of writes that last touched it) and at offset 8 {@code hash(seed, page, count)}; the
 * rest of the page holds its {@link PageFill} (zero by default), written at boot and never again. A page with count 0 was never written and is all zero. So any
 * flipped byte in a page is caught, and a stale page (an update lost in transit) is caught by the
 * counts the workload keeps in its vCPU slot.
 *
 * <p>Working set: {@code wss / pageSize} pages, split into equal partitions, one per vCPU (the
 * remainder, fewer than {@code vcpus} pages, is unused).
 */
abstract class StampedPages extends Workload {
    final long wssBytes;
    final long seed;
    final PageFill fill;
    private byte[] expectedFill;
    private byte[] actualFill;

    StampedPages(long wssBytes, long seed, PageFill fill) {
        this.wssBytes = wssBytes;
        this.seed = seed;
        this.fill = fill;
    }

    /** {@code ,fill=WORD} for a spec, or nothing for the default (so default specs read as before). */
    final String fillSpec() {
        return fill == PageFill.ZERO ? "" : ",fill=" + fill.word();
    }

    /** Writes every working-set page's filler (boot, before any stamp). */
    final void fillPages(GuestMemory memory, int vcpus) {
        fill.fill(memory, seed, dataBase(memory, vcpus), pagesPerVcpu(memory, vcpus) * vcpus);
    }

    @Override
    protected long dataBytes(int pageSize, int vcpus) {
        return wssBytes / pageSize * pageSize;
    }

    @Override
    protected String sizeLabel() {
        return name() + " wss " + Sizes.human(wssBytes);
    }

    @Override
    protected void checkShape(int pageSize, int vcpus) {
        if (wssBytes / pageSize < vcpus) {
            throw new IllegalArgumentException(name() + " wss " + Sizes.human(wssBytes) + " is fewer than one "
                    + pageSize + "-byte page for each of " + vcpus + " vCPUs");
        }
    }

    static long pagesPerVcpu(long wssBytes, GuestMemory memory, int vcpus) {
        return wssBytes / memory.pageSize() / vcpus;
    }

    long pagesPerVcpu(GuestMemory memory, int vcpus) {
        return pagesPerVcpu(wssBytes, memory, vcpus);
    }

    long partitionBase(GuestMemory memory, int vcpus, int vcpu) {
        return dataBase(memory, vcpus) + (long) vcpu * pagesPerVcpu(memory, vcpus) * memory.pageSize();
    }

    /** Writes page {@code address} with {@code count}: two tracked, attributed stores. */
    final void stamp(VcpuContext vcpu, long address, long count) {
        long page = address >>> vcpu.memory().pageShift();
        vcpu.writeLong(address, count);
        vcpu.writeLong(address + 8, Mix.hash(seed, page, count));
    }

    /** The same stamp written straight to memory (calibration at boot). */
    final void stamp(GuestMemory memory, long address, long count) {
        long page = address >>> memory.pageShift();
        memory.writeLong(address, count);
        memory.writeLong(address + 8, Mix.hash(seed, page, count));
    }

    /** Checks one page: null and its count in {@code countOut[0]} if intact, else what is wrong. */
    final String checkPage(GuestMemory memory, long address, long[] countOut) {
        long count = memory.readLong(address);
        long page = address >>> memory.pageShift();
        if (count < 0) return "negative count " + count;
        if (count > 0 && memory.readLong(address + 8) != Mix.hash(seed, page, count)) {
            return "count " + count + " does not match its check word (a byte of the page changed)";
        }
        if (count == 0 && memory.readLong(address + 8) != 0) return "never written but its check word is not zero";
        if (fill == PageFill.ZERO) {
            for (int off = 16; off < memory.pageSize(); off += 8) {
                if (memory.readLong(address + off) != 0) return "byte group at offset " + off + " should be zero";
            }
        } else {
            if (expectedFill == null || expectedFill.length != memory.pageSize() - PageFill.FROM) {
                expectedFill = new byte[memory.pageSize() - PageFill.FROM];
                actualFill = new byte[expectedFill.length];
            }
            String changed = fill.check(memory, seed, address, expectedFill, actualFill);
            if (changed != null) return changed;
        }
        countOut[0] = count;
        return null;
    }

    /** Reports a broken page, with where it is. */
    final Verification pageFailure(int vcpu, long index, long address, String what) {
        return Verification.failed(name() + " vCPU " + vcpu + " page " + index + " of its partition (address 0x"
                + Long.toHexString(address) + "): " + what);
    }

    /**
     * Checks every page of every partition and that each partition's counts add up to the writes
     * its vCPU slot records (slot word 0), and that slot's writes equal the status page's ops.
     */
    final Verification verifyCounts(GuestMemory memory, int vcpus) {
        long pages = pagesPerVcpu(memory, vcpus);
        long[] count = new long[1];
        long total = 0;
        for (int v = 0; v < vcpus; v++) {
            long base = partitionBase(memory, vcpus, v);
            long writes = memory.readLong(slotAddress(memory, v));
            Verification ops = checkOps(name(), memory, v, writes);
            if (ops != null) return ops;
            long sum = 0;
            for (long p = 0; p < pages; p++) {
                long address = base + p * memory.pageSize();
                String broken = checkPage(memory, address, count);
                if (broken != null) return pageFailure(v, p, address, broken);
                sum += count[0];
            }
            if (sum != writes) {
                return Verification.failed(name() + " vCPU " + v + ": its pages' counts add up to " + sum
                        + " but it made " + writes + " page writes (an update was lost or a count changed)");
            }
            total += writes;
        }
        return Verification.passed(name() + ": " + vcpus + " partitions of " + pages + " pages intact, "
                + total + " page writes accounted for");
    }
}
