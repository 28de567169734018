package io.livemig.bench.jmh;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.GuestProgram;
import io.livemig.emulator.GuestStatus;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VcpuContext;

/**
 * A small CPU-bound guest for benchmarks: each step runs {@code itersPerStep} rounds of a
 * 64-bit LCG in a register (a few microseconds), stores the result into the vCPU's own page and
 * completes one operation. It dirties one page per vCPU, so it measures the run loop and the
 * scheduler, not memory.
 *
 * <p>Registers: r0 = LCG state. Memory: page {@code 1 + vcpu} holds the last result.
 */
public final class SpinProgram implements GuestProgram {
    /** About 2-4 us per step on the development machines. */
    public static final int DEFAULT_ITERS_PER_STEP = 2_000;

    private final int itersPerStep;

    public SpinProgram(int itersPerStep) {
        if (itersPerStep < 1) throw new IllegalArgumentException("itersPerStep must be >= 1, got " + itersPerStep);
        this.itersPerStep = itersPerStep;
    }

    public SpinProgram() {
        this(DEFAULT_ITERS_PER_STEP);
    }

    @Override
    public String spec() {
        return "spin:iters=" + itersPerStep;
    }

    @Override
    public void boot(GuestMemory memory, int vcpuCount) {
        if (memory.pageCount() < 1L + vcpuCount) {
            throw new IllegalArgumentException("spin needs " + (1 + vcpuCount) + " pages");
        }
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {
        vcpu.setRegister(0, 0x9E3779B97F4A7C15L * (vcpu.index() + 1));
    }

    @Override
    public void step(VcpuContext vcpu) {
        long x = vcpu.register(0);
        for (int i = 0; i < itersPerStep; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        vcpu.setRegister(0, x);
        vcpu.writeLong(resultAddress(vcpu.memory(), vcpu.index()), x);
        vcpu.completeOps(1);
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpuCount) {
        return Verification.passed("spin: " + GuestStatus.totalOps(memory, vcpuCount) + " ops");
    }

    private static long resultAddress(GuestMemory memory, int vcpu) {
        return GuestStatus.firstProgramAddress(memory) + (long) vcpu * memory.pageSize();
    }
}
