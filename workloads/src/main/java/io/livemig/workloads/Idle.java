package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VcpuContext;
import io.livemig.emulator.Verification;

import java.util.List;

/**
 * {@code idle}: a timer tick and a heartbeat. Each step does a little compute, counts one tick in
 * its vCPU slot (with a check word), reports one op and then waits one {@code tick} (default 1 ms)
 * without using CPU, like a guest in its idle loop woken by a timer. It dirties only the status
 * page and its slot's page. With {@code tick=0} it never waits and burns a whole core: the one
 * CPU-bound variant, for a test that wants many steps fast.
 *
 * <p>Invariant: each slot holds its tick count and {@code hash(seed, vcpu, ticks)}, and the ticks
 * equal the ops in the status page.
 */
public final class Idle extends Workload {
    public static final String NAME = "idle";
    public static final List<String> KEYS = List.of("tick", "seed");
    public static final long DEFAULT_TICK_MICROS = 1_000;
    public static final long MAX_TICK_MICROS = 1_000_000;
    static final int SPINS_PER_STEP = 16;
    static final int R_RNG = 0;
    static final int S_TICKS = 0, S_CHECK = 8;

    private final long tickMicros;
    private final long seed;

    Idle(long tickMicros, long seed) {
        this.tickMicros = tickMicros;
        this.seed = seed;
    }

    static Idle fromParams(Params p) {
        return new Idle(p.durationMicros("tick", DEFAULT_TICK_MICROS, MAX_TICK_MICROS),
                p.integer("seed", Workloads.DEFAULT_SEED, 0, Long.MAX_VALUE));
    }

    @Override public String name() { return NAME; }

    @Override
    public String spec() { return NAME + ":tick=" + tickMicros + "us,seed=" + seed; }

    @Override
    protected long dataBytes(int pageSize, int vcpus) { return 0; }

    @Override
    protected String sizeLabel() { return NAME; }

    @Override
    protected void layout(GuestMemory memory, int vcpus) {
        for (int v = 0; v < vcpus; v++) memory.writeLong(slotAddress(memory, v) + S_CHECK, Mix.hash(seed, v, 0));
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {
        vcpu.setRegister(R_RNG, Mix.seedState(seed, vcpu.index()));
    }

    @Override
    public void step(VcpuContext vcpu) {
        vcpu.setRegister(R_RNG, Mix.spin(vcpu.register(R_RNG), SPINS_PER_STEP));
        long slot = slotAddress(vcpu.memory(), vcpu.index());
        long ticks = vcpu.readLong(slot + S_TICKS) + 1;
        vcpu.writeLong(slot + S_TICKS, ticks);
        vcpu.writeLong(slot + S_CHECK, Mix.hash(seed, vcpu.index(), ticks));
        vcpu.completeOps(1);
        if (tickMicros > 0) vcpu.halt(tickMicros * 1_000);
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpus) {
        long total = 0;
        for (int v = 0; v < vcpus; v++) {
            long slot = slotAddress(memory, v);
            long ticks = memory.readLong(slot + S_TICKS);
            if (memory.readLong(slot + S_CHECK) != Mix.hash(seed, v, ticks)) {
                return Verification.failed(NAME + " vCPU " + v + ": tick count " + ticks + " does not match its check word");
            }
            Verification ops = checkOps(NAME, memory, v, ticks);
            if (ops != null) return ops;
            total += ticks;
        }
        return Verification.passed(NAME + ": " + vcpus + " vCPUs, " + total + " ticks");
    }
}
