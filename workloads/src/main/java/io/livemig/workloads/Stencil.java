package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VcpuContext;
import io.livemig.emulator.Verification;

import java.util.List;

/**
 * {@code stencil}: 2-D heat diffusion (explicit 5-point Jacobi sweep) on an {@code n x n} grid of
 * doubles held in two buffers; sweep {@code s} reads buffer {@code s mod 2} and rewrites the
 * whole of buffer {@code (s+1) mod 2}. vCPU {@code v} of {@code V} owns rows
 * {@code [v n / V, (v+1) n / V)} as its own insulated strip (no heat crosses any strip edge), so
 * strips never wait for each other. One op = one cell updated.
 *
 * <p>Invariant, per strip: the total heat of the last complete sweep equals the initial heat
 * within rounding (insulated boundaries conserve it); a sum of {@code mix64(bits, cell)} over that
 * buffer equals the one recorded when the sweep completed (so any flipped byte is caught); the
 * cells already written in the sweep in progress equal the stencil recomputed from the input.
 */
public final class Stencil extends Workload {
    public static final String NAME = "stencil";
    public static final List<String> KEYS = List.of("n", "alpha", "seed");
    public static final long DEFAULT_N = 1024;
    public static final long MAX_N = 1L << 16;
    public static final double DEFAULT_ALPHA = 0.2;
    static final int CELLS_PER_STEP = 1024;
    static final double HEAT_TOLERANCE = 1e-9;

    static final int S_OPS = 0, S_SWEEPS = 8, S_CURSOR = 16, S_PARTIAL = 24, S_HASH = 32, S_HEAT = 40;

    private final int n;
    private final double alpha;
    private final long seed;

    Stencil(int n, double alpha, long seed) {
        this.n = n;
        this.alpha = alpha;
        this.seed = seed;
    }

    static Stencil fromParams(Params p) {
        return new Stencil((int) p.integer("n", DEFAULT_N, 2, MAX_N), p.decimal("alpha", DEFAULT_ALPHA, 0.0, 0.25, true),
                p.integer("seed", Workloads.DEFAULT_SEED, 0, Long.MAX_VALUE));
    }

    @Override public String name() { return NAME; }

    @Override
    public String spec() { return NAME + ":n=" + n + ",alpha=" + alpha + ",seed=" + seed; }

    @Override
    protected long dataBytes(int pageSize, int vcpus) { return 2L * n * n * 8; }

    @Override
    protected String sizeLabel() { return NAME + " grid " + n + " x " + n + " in two buffers (" + Sizes.human(2L * n * n * 8) + ")"; }

    @Override
    protected void checkShape(int pageSize, int vcpus) {
        if (n < vcpus) throw new IllegalArgumentException(NAME + " needs at least one row per vCPU: n=" + n + ", " + vcpus + " vCPUs");
    }

    private long buffer(GuestMemory memory, int vcpus, long sweeps) {
        return dataBase(memory, vcpus) + (sweeps & 1) * (long) n * n * 8;
    }

    private int firstRow(int vcpu, int vcpus) { return (int) ((long) vcpu * n / vcpus); }

    private static long cellHash(double value, long cell) {
        return Mix.mix64(Double.doubleToRawLongBits(value) ^ (cell * Mix.GOLDEN));
    }

    /** The new value of cell (r, c) from buffer {@code in}; rows r0..r1-1 form an insulated strip. */
    private double update(GuestMemory memory, long in, int r0, int r1, int r, int c) {
        long cell = (long) r * n + c;
        double a = memory.readDouble(in + cell * 8);
        double up = r > r0 ? memory.readDouble(in + (cell - n) * 8) : a;
        double down = r < r1 - 1 ? memory.readDouble(in + (cell + n) * 8) : a;
        double left = c > 0 ? memory.readDouble(in + (cell - 1) * 8) : a;
        double right = c < n - 1 ? memory.readDouble(in + (cell + 1) * 8) : a;
        return a + alpha * ((up + down + left + right) - 4 * a);
    }

    @Override
    protected void layout(GuestMemory memory, int vcpus) {
        long in = buffer(memory, vcpus, 0);
        for (int v = 0; v < vcpus; v++) {
            int r0 = firstRow(v, vcpus), r1 = firstRow(v + 1, vcpus);
            long hash = 0;
            double heat = 0;
            for (long cell = (long) r0 * n; cell < (long) r1 * n; cell++) {
                double value = 100.0 * Mix.unit(Mix.mix64(seed ^ (cell + 1) * Mix.GOLDEN));
                memory.writeDouble(in + cell * 8, value);
                hash += cellHash(value, cell);
                heat += value;
            }
            long slot = slotAddress(memory, v);
            memory.writeLong(slot + S_HASH, hash);
            memory.writeDouble(slot + S_HEAT, heat);
        }
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {}

    @Override
    public void step(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        int vcpus = vcpu.vcpuCount();
        int r0 = firstRow(vcpu.index(), vcpus), r1 = firstRow(vcpu.index() + 1, vcpus);
        long stripCells = (long) (r1 - r0) * n;
        long slot = slotAddress(memory, vcpu.index());
        long sweeps = memory.readLong(slot + S_SWEEPS);
        long cursor = memory.readLong(slot + S_CURSOR);
        long partial = memory.readLong(slot + S_PARTIAL);
        long in = buffer(memory, vcpus, sweeps), out = buffer(memory, vcpus, sweeps + 1);
        long end = Math.min(cursor + CELLS_PER_STEP, stripCells);
        for (long i = cursor; i < end; i++) {
            int r = r0 + (int) (i / n), c = (int) (i % n);
            long cell = (long) r * n + c;
            double value = update(memory, in, r0, r1, r, c);
            vcpu.writeDouble(out + cell * 8, value);
            partial += cellHash(value, cell);
        }
        long done = end - cursor;
        if (end == stripCells) {
            vcpu.writeLong(slot + S_HASH, partial);
            vcpu.writeLong(slot + S_SWEEPS, sweeps + 1);
            vcpu.writeLong(slot + S_CURSOR, 0);
            vcpu.writeLong(slot + S_PARTIAL, 0);
        } else {
            vcpu.writeLong(slot + S_CURSOR, end);
            vcpu.writeLong(slot + S_PARTIAL, partial);
        }
        vcpu.writeLong(slot + S_OPS, memory.readLong(slot + S_OPS) + done);
        vcpu.completeOps(done);
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpus) {
        long totalSweeps = 0;
        for (int v = 0; v < vcpus; v++) {
            int r0 = firstRow(v, vcpus), r1 = firstRow(v + 1, vcpus);
            long stripCells = (long) (r1 - r0) * n;
            long slot = slotAddress(memory, v);
            long ops = memory.readLong(slot + S_OPS), sweeps = memory.readLong(slot + S_SWEEPS);
            long cursor = memory.readLong(slot + S_CURSOR);
            Verification opsCheck = checkOps(NAME, memory, v, ops);
            if (opsCheck != null) return opsCheck;
            if (sweeps < 0 || cursor < 0 || cursor >= stripCells || sweeps * stripCells + cursor != ops) {
                return Verification.failed(NAME + " vCPU " + v + ": slot says " + sweeps + " sweeps, cursor " + cursor
                        + ", " + ops + " cells, which do not agree for a strip of " + stripCells + " cells");
            }
            long in = buffer(memory, vcpus, sweeps), out = buffer(memory, vcpus, sweeps + 1);
            long hash = 0;
            double heat = 0;
            for (long cell = (long) r0 * n; cell < (long) r1 * n; cell++) {
                double value = memory.readDouble(in + cell * 8);
                hash += cellHash(value, cell);
                heat += value;
            }
            if (hash != memory.readLong(slot + S_HASH)) {
                return Verification.failed(NAME + " vCPU " + v + ": buffer " + (sweeps & 1) + " (result of sweep " + sweeps
                        + ") does not match the hash recorded when it was written: a cell changed");
            }
            double initial = memory.readDouble(slot + S_HEAT);
            if (!(Math.abs(heat - initial) <= HEAT_TOLERANCE * Math.max(1.0, Math.abs(initial)))) {
                return Verification.failed(NAME + " vCPU " + v + ": heat " + heat + " after sweep " + sweeps
                        + " is not the initial " + initial + " (not conserved)");
            }
            long partial = 0;
            for (long i = 0; i < cursor; i++) {
                int r = r0 + (int) (i / n), c = (int) (i % n);
                long cell = (long) r * n + c;
                double expected = update(memory, in, r0, r1, r, c);
                double actual = memory.readDouble(out + cell * 8);
                if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
                    return Verification.failed(NAME + " vCPU " + v + ": cell (" + r + ", " + c + ") of sweep " + (sweeps + 1)
                            + " holds " + actual + " but the stencil gives " + expected);
                }
                partial += cellHash(actual, cell);
            }
            if (partial != memory.readLong(slot + S_PARTIAL)) {
                return Verification.failed(NAME + " vCPU " + v + ": partial hash of sweep " + (sweeps + 1) + " does not match its cells");
            }
            totalSweeps += sweeps;
        }
        return Verification.passed(NAME + ": " + vcpus + " strips of a " + n + " x " + n + " grid, heat conserved, "
                + totalSweeps + " sweeps checked");
    }
}
