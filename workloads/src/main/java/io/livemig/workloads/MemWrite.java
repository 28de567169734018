package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VcpuContext;
import io.livemig.emulator.Verification;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * {@code memwrite}: the paper's micro-benchmark. Each vCPU touches pages of its partition of the
 * working set, sequentially (pass after pass) or at random. With a {@code rate}, busy compute
 * between touches is calibrated at boot so that at 100 % CPU the guest dirties {@code rate}
 * bytes/s (split evenly over the vCPUs), and each vCPU keeps itself there as it runs
 * ({@link RatePacer}); the compute is real (xorshift rounds kept in a register), so the dirty rate
 * follows the vCPUs' CPU share. One op = one page touched.
 *
 * <p>Invariant: see {@link StampedPages}; sequential: pages before the cursor hold the current
 * pass, pages from the cursor on the previous one; random: the counts add up to the touches.
 */
public final class MemWrite extends StampedPages {
    public static final String NAME = "memwrite";
    public static final List<String> KEYS = List.of("wss", "rate", "pattern", "seed", "fill");
    public static final long DEFAULT_WSS = 256L << 20;
    public static final String DEFAULT_PATTERN = "random";
    public static final List<String> PATTERNS = List.of("random", "sequential");

    /** Spin rounds one step may spend (about 8-15 us on a current core); a touch costs TOUCH_COST. */
    static final long STEP_BUDGET = 8192;
    static final long TOUCH_COST = 32;
    static final int MAX_TOUCHES_PER_STEP = 256;

    // registers
    static final int R_RNG = 0, R_TOUCHES = 1, R_PASS = 2, R_CURSOR = 3, R_SPINS_PER_TOUCH = 4, R_SPINS_LEFT = 5, R_SINK = 6;
    // vCPU slot words (byte offsets)
    static final int S_TOUCHES = 0, S_PASS = 8, S_CURSOR = 16;
    // header words (byte offsets)
    static final int H_SPINS_PER_TOUCH = 0, H_PS_PER_SPIN = 8, H_PS_PER_TOUCH = 16, H_RATE = 24;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long rateBytesPerSec;
    private final boolean sequential;
    private final Long fixedSpinsPerTouch;
    /** Null when nothing is paced: no rate, or a fixed calibration (tests). */
    private final RatePacer pacer;

    MemWrite(long wssBytes, long rateBytesPerSec, boolean sequential, long seed, Long fixedSpinsPerTouch) {
        this(wssBytes, rateBytesPerSec, sequential, seed, fixedSpinsPerTouch, PageFill.ZERO);
    }

    MemWrite(long wssBytes, long rateBytesPerSec, boolean sequential, long seed, Long fixedSpinsPerTouch, PageFill fill) {
        super(wssBytes, seed, fill);
        this.rateBytesPerSec = rateBytesPerSec;
        this.sequential = sequential;
        this.fixedSpinsPerTouch = fixedSpinsPerTouch;
        this.pacer = rateBytesPerSec > 0 && fixedSpinsPerTouch == null ? new RatePacer(rateBytesPerSec) : null;
    }

    static MemWrite fromParams(Params p) {
        long wss = p.size("wss", DEFAULT_WSS, 1);
        long rate = p.rateOrMax("rate");
        boolean sequential = p.choice("pattern", DEFAULT_PATTERN, PATTERNS).equals("sequential");
        long seed = p.integer("seed", Workloads.DEFAULT_SEED, 0, Long.MAX_VALUE);
        PageFill fill = PageFill.parse(p.choice("fill", "zero", PageFill.WORDS));
        return new MemWrite(wss, rate, sequential, seed, null, fill);
    }

    /** A copy whose compute per touch is fixed instead of calibrated (for deterministic tests). */
    MemWrite withSpinsPerTouch(long spins) {
        return new MemWrite(wssBytes, rateBytesPerSec, sequential, seed, spins, fill);
    }

    @Override public String name() { return NAME; }

    @Override
    public String spec() {
        return NAME + ":wss=" + Sizes.formatSize(wssBytes) + ",rate=" + (rateBytesPerSec == 0 ? "max" : Sizes.formatSize(rateBytesPerSec))
                + ",pattern=" + (sequential ? "sequential" : "random") + ",seed=" + seed + fillSpec();
    }

    public long wssBytes() { return wssBytes; }
    public long rateBytesPerSec() { return rateBytesPerSec; }
    public boolean sequential() { return sequential; }

    /** The calibration recorded at boot in guest memory. */
    public record Calibration(long spinsPerTouch, double nanosPerSpin, double nanosPerTouch, long targetBytesPerSec) {}

    public static Calibration calibration(GuestMemory memory) {
        long h = headerAddress(memory);
        return new Calibration(memory.readLong(h + H_SPINS_PER_TOUCH), memory.readLong(h + H_PS_PER_SPIN) / 1000.0,
                memory.readLong(h + H_PS_PER_TOUCH) / 1000.0, memory.readLong(h + H_RATE));
    }

    @Override
    protected void layout(GuestMemory memory, int vcpus) {
        fillPages(memory, vcpus);
        long h = headerAddress(memory);
        memory.writeLong(h + H_RATE, rateBytesPerSec);
        long spins = 0;
        if (fixedSpinsPerTouch != null) {
            spins = fixedSpinsPerTouch;
        } else if (rateBytesPerSec > 0) {
            long psPerSpin = measurePicosPerSpin();
            long psPerTouch = measurePicosPerTouch(memory, vcpus);
            double targetPs = (double) memory.pageSize() * vcpus * 1e12 / rateBytesPerSec;
            spins = Math.max(0, Math.round((targetPs - psPerTouch) / psPerSpin));
            memory.writeLong(h + H_PS_PER_SPIN, psPerSpin);
            memory.writeLong(h + H_PS_PER_TOUCH, psPerTouch);
        }
        memory.writeLong(h + H_SPINS_PER_TOUCH, spins);
        for (int v = 0; v < vcpus; v++) memory.writeLong(slotAddress(memory, v) + S_PASS, 1);
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        vcpu.setRegister(R_RNG, Mix.seedState(seed, vcpu.index()));
        vcpu.setRegister(R_PASS, 1);
        vcpu.setRegister(R_SPINS_PER_TOUCH, memory.readLong(headerAddress(memory) + H_SPINS_PER_TOUCH));
        vcpu.setRegister(R_SINK, Mix.seedState(~seed, vcpu.index()));
    }

    @Override
    public void step(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        int vcpus = vcpu.vcpuCount();
        long pages = pagesPerVcpu(memory, vcpus);
        long base = partitionBase(memory, vcpus, vcpu.index());
        int shift = memory.pageShift();
        long rng = vcpu.register(R_RNG), touches = vcpu.register(R_TOUCHES), pass = vcpu.register(R_PASS);
        long cursor = vcpu.register(R_CURSOR), spinsPerTouch = vcpu.register(R_SPINS_PER_TOUCH);
        long left = vcpu.register(R_SPINS_LEFT), sink = vcpu.register(R_SINK);
        long budget = STEP_BUDGET;
        int done = 0;
        while (done < MAX_TOUCHES_PER_STEP && budget > 0) {
            if (left > 0) {
                long s = Math.min(left, budget);
                sink = Mix.spin(sink, s);
                left -= s;
                budget -= s;
                continue;
            }
            long address;
            long count;
            if (sequential) {
                address = base + (cursor << shift);
                count = pass;
                if (++cursor == pages) {
                    cursor = 0;
                    pass++;
                }
            } else {
                rng = Mix.next(rng);
                address = base + (Mix.below(rng, pages) << shift);
                count = vcpu.readLong(address) + 1;
            }
            stamp(vcpu, address, count);
            done++;
            left = spinsPerTouch;
            budget -= TOUCH_COST;
        }
        touches += done;
        vcpu.setRegister(R_RNG, rng);
        vcpu.setRegister(R_TOUCHES, touches);
        vcpu.setRegister(R_PASS, pass);
        vcpu.setRegister(R_CURSOR, cursor);
        vcpu.setRegister(R_SPINS_LEFT, left);
        vcpu.setRegister(R_SINK, sink);
        if (done > 0) {
            long slot = slotAddress(memory, vcpu.index());
            vcpu.writeLong(slot + S_TOUCHES, touches);
            if (sequential) {
                vcpu.writeLong(slot + S_PASS, pass);
                vcpu.writeLong(slot + S_CURSOR, cursor);
            }
            vcpu.completeOps(done);
            if (pacer != null && spinsPerTouch > 0) {
                vcpu.setRegister(R_SPINS_PER_TOUCH, pacer.paced(vcpu.index(), touches, spinsPerTouch, memory.pageSize(), vcpus));
            }
        }
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpus) {
        if (!sequential) return verifyCounts(memory, vcpus);
        long pages = pagesPerVcpu(memory, vcpus);
        long[] count = new long[1];
        long total = 0;
        for (int v = 0; v < vcpus; v++) {
            long slot = slotAddress(memory, v);
            long touches = memory.readLong(slot + S_TOUCHES);
            long pass = memory.readLong(slot + S_PASS);
            long cursor = memory.readLong(slot + S_CURSOR);
            Verification ops = checkOps(NAME, memory, v, touches);
            if (ops != null) return ops;
            if (pass < 1 || cursor < 0 || cursor >= pages || (pass - 1) * pages + cursor != touches) {
                return Verification.failed(NAME + " vCPU " + v + ": slot says pass " + pass + ", cursor " + cursor
                        + ", touches " + touches + ", which do not agree for " + pages + " pages");
            }
            long base = partitionBase(memory, vcpus, v);
            for (long p = 0; p < pages; p++) {
                long address = base + p * memory.pageSize();
                String broken = checkPage(memory, address, count);
                if (broken != null) return pageFailure(v, p, address, broken);
                long expected = p < cursor ? pass : pass - 1;
                if (count[0] != expected) {
                    return pageFailure(v, p, address, "holds pass " + count[0] + " but pass " + expected
                            + " is expected (cursor " + cursor + " in pass " + pass + ")");
                }
            }
            total += touches;
        }
        return Verification.passed(NAME + ": " + vcpus + " partitions of " + pages + " pages in pass order, "
                + total + " page writes accounted for");
    }

    // ---- calibration: CPU time of this thread, so the figure is the rate at 100 % CPU ----

    private static long measurePicosPerSpin() {
        long best = Long.MAX_VALUE;
        long sink = 1;
        final long chunks = 64; // spun in step-sized chunks, as step() spins
        final long iterations = chunks * STEP_BUDGET;
        for (int round = 0; round < 12; round++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (long c = 0; c < chunks; c++) sink = Mix.spin(sink | 1, STEP_BUDGET);
            long t1 = THREADS.getCurrentThreadCpuTime();
            if (t1 > t0) best = Math.min(best, (t1 - t0) * 1000 / iterations);
        }
        if (sink == 42) System.out.print(""); // keeps the loop's result alive
        return Math.max(best == Long.MAX_VALUE ? 1000 : best, 1);
    }

    /** Times real touches on vCPU 0's partition (as the step makes them), then undoes them. */
    private long measurePicosPerTouch(GuestMemory memory, int vcpus) {
        long pages = pagesPerVcpu(memory, vcpus);
        long base = partitionBase(memory, vcpus, 0);
        int shift = memory.pageShift();
        final int touches = 8192;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long rng = Mix.seedState(seed ^ 0x5EED, round);
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < touches; i++) {
                long address;
                if (sequential) {
                    address = base + ((i % pages) << shift);
                } else {
                    rng = Mix.next(rng);
                    address = base + (Mix.below(rng, pages) << shift);
                }
                stamp(memory, address, memory.readLong(address) + 1);
            }
            long t1 = THREADS.getCurrentThreadCpuTime();
            if (t1 > t0) best = Math.min(best, (t1 - t0) * 1000 / touches);
            rng = Mix.seedState(seed ^ 0x5EED, round);
            for (int i = 0; i < touches; i++) {
                long address;
                if (sequential) {
                    address = base + ((i % pages) << shift);
                } else {
                    rng = Mix.next(rng);
                    address = base + (Mix.below(rng, pages) << shift);
                }
                memory.writeLong(address, 0);
                memory.writeLong(address + 8, 0);
            }
        }
        return Math.max(best == Long.MAX_VALUE ? 100_000 : best, 1);
    }
}
