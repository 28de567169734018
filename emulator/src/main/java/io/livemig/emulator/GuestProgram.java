package io.livemig.emulator;

/**
 * A program the guest runs. All its state lives in guest memory and in the vCPU registers, never
 * in fields of the implementing object, so a VM restored elsewhere continues it exactly. One
 * instance serves every vCPU of a VM; it must be stateless (or hold only immutable parameters).
 */
public interface GuestProgram {
    /** The canonical spec ({@code NAME:key=value,...}) that recreates this program on a destination. */
    String spec();

    /** Lays out a fresh guest's memory (not called for a guest restored from a migration). */
    void boot(GuestMemory memory, int vcpuCount);

    /** Sets a fresh vCPU's initial registers. */
    void initVcpu(VcpuContext vcpu);

    /**
     * One bounded step of work, a few microseconds long: the vCPU passes a safe point between
     * steps, where pauses and CPU caps take effect. Completed operations are reported through
     * {@link VcpuContext#completeOps(long)}.
     */
    void step(VcpuContext vcpu);

    /** Checks the program's invariants from guest memory alone, on a paused or stopped guest. */
    Verification verify(GuestMemory memory, int vcpuCount);
}
