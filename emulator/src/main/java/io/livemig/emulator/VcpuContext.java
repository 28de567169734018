package io.livemig.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * What a guest program sees of its vCPU: registers, guest memory and the operation counter. Writes
 * through this context are tracked like every guest write and, in addition, attributed to this
 * vCPU (pages it newly dirtied), which the dirty-limit throttle needs.
 *
 * <p>Only the vCPU's own thread calls the mutators; other threads read the counters.
 */
public final class VcpuContext {
    private static final VarHandle DIRTIED;
    private static final VarHandle FIRST_OP;
    private static final VarHandle HALTED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DIRTIED = lookup.findVarHandle(VcpuContext.class, "pagesDirtied", long.class);
            FIRST_OP = lookup.findVarHandle(VcpuContext.class, "firstOpMicros", long.class);
            HALTED = lookup.findVarHandle(VcpuContext.class, "haltedNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int index;
    private final int vcpuCount;
    private final GuestMemory memory;
    private final DirtyLog dirtyLog;
    private final int pageShift;
    private final WallClock clock;
    private final long[] registers = new long[VcpuState.REGISTER_COUNT];
    private final OpLatencyRecorder latency = new OpLatencyRecorder();
    @SuppressWarnings("unused") // accessed through DIRTIED
    private long pagesDirtied;
    @SuppressWarnings("unused") // accessed through FIRST_OP
    private long firstOpMicros;
    @SuppressWarnings("unused") // accessed through HALTED
    private long haltedNanos;

    VcpuContext(int index, int vcpuCount, GuestMemory memory, WallClock clock) {
        this.index = index;
        this.vcpuCount = vcpuCount;
        this.memory = memory;
        this.dirtyLog = memory.dirtyLog();
        this.pageShift = memory.pageShift();
        this.clock = clock;
    }

    public int index() { return index; }
    public int vcpuCount() { return vcpuCount; }

    /** Guest memory, for reads and for bulk work; prefer this context's write methods for stores. */
    public GuestMemory memory() { return memory; }

    public long register(int i) { return registers[i]; }

    public void setRegister(int i, long value) { registers[i] = value; }

    public void writeLong(long address, long value) {
        boolean wasClean = !dirtyLog.isDirtyPlain(address >>> pageShift);
        memory.writeLong(address, value);
        if (wasClean) countDirtied();
    }

    public void writeInt(long address, int value) {
        boolean wasClean = !dirtyLog.isDirtyPlain(address >>> pageShift);
        memory.writeInt(address, value);
        if (wasClean) countDirtied();
    }

    public void writeByte(long address, byte value) {
        boolean wasClean = !dirtyLog.isDirtyPlain(address >>> pageShift);
        memory.writeByte(address, value);
        if (wasClean) countDirtied();
    }

    public void writeDouble(long address, double value) {
        writeLong(address, Double.doubleToRawLongBits(value));
    }

    public long readLong(long address) { return memory.readLong(address); }
    public int readInt(long address) { return memory.readInt(address); }
    public byte readByte(long address) { return memory.readByte(address); }
    public double readDouble(long address) { return memory.readDouble(address); }

    /** Records {@code count} completed operations and a heartbeat in the guest status page. */
    public void completeOps(long count) {
        long now = clock.currentTimeMicros();
        long opsAddress = GuestStatus.opsAddress(index);
        writeLong(opsAddress, memory.readLong(opsAddress) + count);
        writeLong(GuestStatus.heartbeatAddress(index), now);
        if ((long) FIRST_OP.getOpaque(this) == 0) FIRST_OP.setOpaque(this, now);
        latency.completed(now, count);
    }

    /**
     * The guest's idle loop: the vCPU halts, as on HLT, until its next timer tick {@code nanos}
     * from now (a throttle change may wake it sooner). The time counts as halted, not as time the
     * vCPU wanted a core, so a host's share of a core can be told from a guest's idleness.
     */
    public void halt(long nanos) {
        long start = System.nanoTime();
        LockSupport.parkNanos(nanos);
        HALTED.setOpaque(this, (long) HALTED.getOpaque(this) + System.nanoTime() - start);
    }

    /** Wall time this vCPU spent halted ({@link #halt}) since it was created. */
    public long haltedNanos() { return (long) HALTED.getOpaque(this); }

    /** Wall-clock microseconds, for programs that keep time. */
    public long currentTimeMicros() { return clock.currentTimeMicros(); }

    /** Pages this vCPU found clean and dirtied, since it was created. */
    public long pagesDirtied() { return (long) DIRTIED.getOpaque(this); }

    /** The heartbeat of the first operation since the last {@link #resetFirstOp()}, or 0. */
    public long firstOpMicros() { return (long) FIRST_OP.getOpaque(this); }

    OpLatencyRecorder latency() { return latency; }

    void resetFirstOp() { FIRST_OP.setOpaque(this, 0L); }

    VcpuState saveState() { return new VcpuState(index, registers); }

    void loadState(VcpuState state) {
        if (state.vcpu() != index) throw new IllegalArgumentException("state of vCPU " + state.vcpu() + " loaded into vCPU " + index);
        System.arraycopy(state.registers(), 0, registers, 0, registers.length);
    }

    private void countDirtied() {
        DIRTIED.setOpaque(this, (long) DIRTIED.getOpaque(this) + 1);
    }
}
