package io.livemig.workloads;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Keeps a calibrated {@code memwrite} vCPU at its rate per second of CPU. The boot-time
 * calibration times the spin loop as its own compiled method, the vCPU runs it compiled into its
 * step, and the two compilations differ: of ten boots of the paper's 16 MiB/s writer, six ran at
 * 0.85 of the rate and four at 1.4-1.5 for their whole lives. So each vCPU checks itself after
 * about {@link #CHECK_CPU_SECONDS} of its CPU time and scales its spins per touch by target /
 * measured (at most halving or doubling them at once), the first time after
 * {@link #FIRST_CHECK_CPU_SECONDS}. CPU time, not wall time: a throttled vCPU
 * still dirties less, as the rate is meant to follow its CPU share.
 *
 * <p>The reference point (touches and CPU time at the last check) is the host thread's, not the
 * guest's: it lives in a thread-local, and a vCPU arriving on another thread, or another JVM,
 * starts afresh. The spins themselves stay in the guest's register and migrate with it.
 */
final class RatePacer {
    static final double CHECK_CPU_SECONDS = 0.1;
    /** The first check comes sooner: a guest is sampled (estimate, --predict) right after it boots. */
    static final double FIRST_CHECK_CPU_SECONDS = 0.01;
    static final double MAX_FACTOR = 2;

    private final long rateBytesPerSec;
    private final LongSupplier cpuNanos;
    /** Per thread: the vCPU index, touches and CPU time at the last check, and the checks made since the reference was set. */
    private final ThreadLocal<long[]> reference = ThreadLocal.withInitial(() -> new long[]{-1, 0, 0, 0});

    RatePacer(long rateBytesPerSec) {
        this(rateBytesPerSec, ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime);
    }

    RatePacer(long rateBytesPerSec, LongSupplier cpuNanos) {
        if (rateBytesPerSec <= 0) throw new IllegalArgumentException("a paced rate must be > 0");
        this.rateBytesPerSec = rateBytesPerSec;
        this.cpuNanos = cpuNanos;
    }

    /**
     * The spins per touch vCPU {@code vcpu} should use from now on, having made {@code touches}
     * touches in all with {@code spins} per touch; {@code pageSize} and {@code vcpus} give its share of the rate.
     */
    long paced(int vcpu, long touches, long spins, int pageSize, int vcpus) {
        long[] ref = reference.get();
        if (ref[0] != vcpu || touches < ref[1]) {
            ref[0] = vcpu;
            ref[1] = touches;
            ref[2] = cpuNanos.getAsLong();
            ref[3] = 0;
            return spins;
        }
        double touchesPerCpuSecond = (double) rateBytesPerSec / ((long) pageSize * vcpus);
        long sinceCheck = touches - ref[1];
        double interval = ref[3] == 0 ? FIRST_CHECK_CPU_SECONDS : CHECK_CPU_SECONDS;
        if (sinceCheck < Math.max(1, touchesPerCpuSecond * interval)) return spins;
        long cpu = cpuNanos.getAsLong();
        long cpuSinceCheck = cpu - ref[2];
        ref[1] = touches;
        ref[2] = cpu;
        ref[3]++;
        if (cpuSinceCheck <= 0 || spins <= 0) return spins;
        double measured = sinceCheck * 1e9 / cpuSinceCheck;
        double factor = Math.max(1 / MAX_FACTOR, Math.min(MAX_FACTOR, measured / touchesPerCpuSecond));
        return Math.max(1, Math.round(spins * factor));
    }
}
