package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VcpuContext;
import io.livemig.emulator.Verification;

import java.util.List;

/**
 * {@code hotcold}: page writes with a Zipf-skewed choice of page ({@code theta}, default 0.99) over
 * each vCPU's partition of the working set: a small hot set rewritten constantly and a long cold
 * tail. Ranks are scattered over the partition by a fixed stride coprime to its size, so the hot
 * pages are spread out as in a real heap. As fast as the vCPU runs; one op = one page write.
 *
 * <p>Invariant: the stamped page format of {@link StampedPages}; each partition's counts add up to
 * its vCPU's writes.
 */
public final class HotCold extends StampedPages {
    public static final String NAME = "hotcold";
    public static final List<String> KEYS = List.of("wss", "theta", "seed", "fill");
    public static final long DEFAULT_WSS = 256L << 20;
    public static final double DEFAULT_THETA = 0.99;

    static final int TOUCHES_PER_STEP = 32;
    static final int R_RNG = 0, R_TOUCHES = 1;
    static final int H_ZETAN = 0, H_ETA = 8, H_STRIDE = 16;

    private final double theta;

    HotCold(long wssBytes, double theta, long seed) {
        this(wssBytes, theta, seed, PageFill.ZERO);
    }

    HotCold(long wssBytes, double theta, long seed, PageFill fill) {
        super(wssBytes, seed, fill);
        this.theta = theta;
    }

    static HotCold fromParams(Params p) {
        return new HotCold(p.size("wss", DEFAULT_WSS, 1), p.decimal("theta", DEFAULT_THETA, 0.0, 1.0, false),
                p.integer("seed", Workloads.DEFAULT_SEED, 0, Long.MAX_VALUE),
                PageFill.parse(p.choice("fill", "zero", PageFill.WORDS)));
    }

    @Override public String name() { return NAME; }

    @Override
    public String spec() {
        return NAME + ":wss=" + Sizes.formatSize(wssBytes) + ",theta=" + theta + ",seed=" + seed + fillSpec();
    }

    @Override
    protected void layout(GuestMemory memory, int vcpus) {
        fillPages(memory, vcpus);
        long n = pagesPerVcpu(memory, vcpus);
        double zetan = Zipf.zeta(n, theta);
        long h = headerAddress(memory);
        memory.writeDouble(h + H_ZETAN, zetan);
        memory.writeDouble(h + H_ETA, Zipf.eta(n, theta, zetan));
        memory.writeLong(h + H_STRIDE, coprimeStride(n));
    }

    static long coprimeStride(long n) {
        if (n <= 1) return 1;
        long stride = Math.max(1, (long) (n * 0.6180339887) | 1);
        while (gcd(stride, n) != 1) stride++;
        return stride;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {
        vcpu.setRegister(R_RNG, Mix.seedState(seed, vcpu.index()));
    }

    @Override
    public void step(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        int vcpus = vcpu.vcpuCount();
        long n = pagesPerVcpu(memory, vcpus);
        long base = partitionBase(memory, vcpus, vcpu.index());
        long h = headerAddress(memory);
        double zetan = memory.readDouble(h + H_ZETAN);
        double eta = memory.readDouble(h + H_ETA);
        long stride = memory.readLong(h + H_STRIDE);
        int shift = memory.pageShift();
        long rng = vcpu.register(R_RNG);
        for (int i = 0; i < TOUCHES_PER_STEP; i++) {
            rng = Mix.next(rng);
            long rank = Zipf.rank(rng, n, theta, zetan, eta);
            long page = rank * stride % n; // both below 2^31: no overflow
            long address = base + (page << shift);
            stamp(vcpu, address, vcpu.readLong(address) + 1);
        }
        long touches = vcpu.register(R_TOUCHES) + TOUCHES_PER_STEP;
        vcpu.setRegister(R_RNG, rng);
        vcpu.setRegister(R_TOUCHES, touches);
        vcpu.writeLong(slotAddress(memory, vcpu.index()), touches);
        vcpu.completeOps(TOUCHES_PER_STEP);
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpus) {
        return verifyCounts(memory, vcpus);
    }
}
