package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.GuestProgram;
import io.livemig.emulator.GuestStatus;
import io.livemig.emulator.Verification;

/**
 * Base of every workload: the memory layout they share and the check that a workload fits its
 * guest. Subclasses hold only immutable parameters; all run state is in guest memory and vCPU
 * registers.
 *
 * <pre>
 * page 0                      guest status page (emulator): ops + heartbeat per vCPU
 * metaBase                    header, 256 bytes: workload-wide values set at boot
 * metaBase + 256 + 128 * i    vCPU i's slot, 16 longs: the counters verify() needs
 * dataBase (page-aligned)     the workload's data, split into one partition per vCPU
 * </pre>
 */
public abstract class Workload implements GuestProgram {
    static final int HEADER_BYTES = 256;
    static final int SLOT_BYTES = 128;

    /** The workload's name as used in specs. */
    public abstract String name();

    /** Bytes of data (beyond status page and metadata) this workload lays out for this guest shape. */
    protected abstract long dataBytes(int pageSize, int vcpus);

    /** What is being sized, for messages: {@code "memwrite wss 512 MiB"}. */
    protected abstract String sizeLabel();

    /** Lays out a fresh guest; called after the fit check. */
    protected abstract void layout(GuestMemory memory, int vcpus);

    /** Extra shape checks beyond size (e.g. at least one page per vCPU); throws with a clear line. */
    protected void checkShape(int pageSize, int vcpus) {}

    /** Guest memory this workload needs: status page, metadata pages and data. */
    public final long requiredBytes(int pageSize, int vcpus) {
        return pageSize + metaBytes(pageSize, vcpus) + dataBytes(pageSize, vcpus);
    }

    /** Refuses a guest this workload does not fit in, with one clear line. */
    public final void checkFits(long memoryBytes, int pageSize, int vcpus) {
        checkShape(pageSize, vcpus);
        long need = requiredBytes(pageSize, vcpus);
        if (need > memoryBytes) {
            long overhead = need - dataBytes(pageSize, vcpus);
            throw new IllegalArgumentException(sizeLabel() + " does not fit in " + Sizes.human(memoryBytes)
                    + " guest (needs " + Sizes.human(need) + " with " + Sizes.human(overhead) + " for status and metadata)");
        }
    }

    @Override
    public final void boot(GuestMemory memory, int vcpus) {
        checkFits(memory.sizeBytes(), memory.pageSize(), vcpus);
        layout(memory, vcpus);
    }

    @Override
    public String toString() { return spec(); }

    static long metaBytes(int pageSize, int vcpus) {
        return roundUp(HEADER_BYTES + (long) SLOT_BYTES * vcpus, pageSize);
    }

    static long headerAddress(GuestMemory memory) {
        return GuestStatus.firstProgramAddress(memory);
    }

    static long slotAddress(GuestMemory memory, int vcpu) {
        return headerAddress(memory) + HEADER_BYTES + (long) SLOT_BYTES * vcpu;
    }

    static long dataBase(GuestMemory memory, int vcpus) {
        return headerAddress(memory) + metaBytes(memory.pageSize(), vcpus);
    }

    static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    /** The ops a vCPU's slot counted must match the emulator's status page. */
    static Verification checkOps(String name, GuestMemory memory, int vcpu, long slotOps) {
        long statusOps = GuestStatus.ops(memory, vcpu);
        if (statusOps != slotOps) {
            return Verification.failed(name + " vCPU " + vcpu + ": status page counts " + statusOps
                    + " ops but the workload counted " + slotOps);
        }
        return null;
    }
}
