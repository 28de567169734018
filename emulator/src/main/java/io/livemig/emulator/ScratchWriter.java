package io.livemig.emulator;

/**
 * A guest program no user runs, for the JVM's own warm-ups: each step writes 16 words to random
 * pages of its memory, with a little compute between them, and counts them as ops. Warm-ups run it
 * rather than a user's workload so that the JIT compiles the user's guest from the user's guest
 * alone: a warm-up on {@code memwrite} left a {@code memwrite} guest after it at 0.57-1.08x its pace.
 */
public final class ScratchWriter implements GuestProgram {
    /** Its spec, as an offer carries it: a destination that knows it makes one with {@link #forSpec}. */
    public static final String SPEC = "scratch-writer";
    private static final int WRITES_PER_STEP = 16;

    /** A scratch writer for {@link #SPEC}; anything else is not one (IllegalArgumentException, as for an unknown workload). */
    public static GuestProgram forSpec(String spec) {
        if (!SPEC.equals(spec)) throw new IllegalArgumentException("not a scratch writer: '" + spec + "'");
        return new ScratchWriter();
    }

    @Override public String spec() { return SPEC; }

    @Override public void boot(GuestMemory memory, int vcpuCount) { }

    @Override public void initVcpu(VcpuContext vcpu) { vcpu.setRegister(0, 0x9E3779B97F4A7C15L); }

    @Override
    public void step(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        long first = GuestStatus.firstProgramAddress(memory) >>> memory.pageShift();
        long pages = memory.pageCount() - first;
        long state = vcpu.register(0);
        for (int i = 0; i < WRITES_PER_STEP; i++) {
            for (int spin = 0; spin < 64; spin++) state ^= (state << 13) ^ (state >>> 7) ^ (state << 17);
            long page = first + Long.remainderUnsigned(state, pages);
            vcpu.writeLong(page << memory.pageShift(), state);
        }
        vcpu.setRegister(0, state);
        vcpu.completeOps(WRITES_PER_STEP);
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpuCount) {
        return Verification.passed(SPEC + ": nothing to check");
    }
}
