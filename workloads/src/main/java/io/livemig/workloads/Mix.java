package io.livemig.workloads;

/**
 * Deterministic integer mixing, random numbers and busy compute shared by the workloads. Pure
 * functions of their arguments: the state they advance lives in a vCPU register or guest memory.
 */
final class Mix {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Mix() {}

    /** SplitMix64's finaliser: a bijective 64-bit mix. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long hash(long a, long b, long c) {
        return mix64(a ^ mix64(b + GOLDEN) ^ mix64(c * GOLDEN + 0x632BE59BD9B4E019L));
    }

    /** A non-zero xorshift64 state for one vCPU. */
    static long seedState(long seed, int vcpu) {
        long s = mix64(seed * GOLDEN + vcpu + 1);
        return s == 0 ? GOLDEN : s;
    }

    /** Marsaglia's xorshift64 step; never returns 0 for a non-zero state. */
    static long next(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    /** A uniform integer in [0, n) from a random state, for n below 2^31. */
    static long below(long random, long n) {
        return ((random >>> 33) * n) >>> 31;
    }

    /** A uniform double in [0, 1). */
    static double unit(long random) {
        return (random >>> 11) * 0x1.0p-53;
    }

    /** Busy compute: {@code iterations} xorshift rounds. The caller must keep the result. */
    static long spin(long x, long iterations) {
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
