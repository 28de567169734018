package io.livemig.emulator;

/**
 * A small self-checking guest for the emulator's own tests: each vCPU owns a slice of pages and
 * writes, step by step, an increasing sequence number into pseudo-random pages of its slice; the
 * page holds (sequence, page index, sequence ^ page-hash). Registers: 0 = LCG state, 1 = sequence.
 */
final class CountingProgram implements GuestProgram {
    private static final int WRITES_PER_STEP = 16;
    private final long pagesPerVcpu;

    CountingProgram(long pagesPerVcpu) {
        this.pagesPerVcpu = pagesPerVcpu;
    }

    @Override
    public String spec() { return "counting:pages=" + pagesPerVcpu; }

    @Override
    public void boot(GuestMemory memory, int vcpuCount) {
        long needed = GuestStatus.firstProgramAddress(memory) + vcpuCount * pagesPerVcpu * memory.pageSize();
        if (needed > memory.sizeBytes()) throw new IllegalArgumentException("guest too small");
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {
        vcpu.setRegister(0, 0x9E3779B97F4A7C15L * (vcpu.index() + 1));
        vcpu.setRegister(1, 0);
    }

    @Override
    public void step(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        long base = GuestStatus.firstProgramAddress(memory) + vcpu.index() * pagesPerVcpu * memory.pageSize();
        long state = vcpu.register(0);
        long sequence = vcpu.register(1);
        for (int i = 0; i < WRITES_PER_STEP; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            long page = Long.remainderUnsigned(state >>> 17, pagesPerVcpu);
            long address = base + page * memory.pageSize();
            sequence++;
            vcpu.writeLong(address, sequence);
            vcpu.writeLong(address + 8, page);
            vcpu.writeLong(address + 16, sequence ^ mix(page));
        }
        vcpu.setRegister(0, state);
        vcpu.setRegister(1, sequence);
        vcpu.completeOps(WRITES_PER_STEP);
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpuCount) {
        for (int v = 0; v < vcpuCount; v++) {
            long base = GuestStatus.firstProgramAddress(memory) + v * pagesPerVcpu * memory.pageSize();
            for (long page = 0; page < pagesPerVcpu; page++) {
                long address = base + page * memory.pageSize();
                long sequence = memory.readLong(address);
                if (sequence == 0 && memory.readLong(address + 8) == 0 && memory.readLong(address + 16) == 0) continue;
                if (memory.readLong(address + 8) != page || memory.readLong(address + 16) != (sequence ^ mix(page))) {
                    return Verification.failed("vCPU " + v + " page " + page + " is inconsistent");
                }
            }
        }
        return Verification.passed("all pages consistent");
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 33);
    }
}
