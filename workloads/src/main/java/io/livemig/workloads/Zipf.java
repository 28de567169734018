package io.livemig.workloads;

/**
 * Zipf-distributed ranks in [0, n) by the method of Gray et al. ("Quickly generating
 * billion-record synthetic databases", SIGMOD 1994), as YCSB's ZipfianGenerator does. Rank 0 is
 * the most popular. {@code zetan} and {@code eta} are computed once at boot and kept in guest
 * memory; {@link StrictMath} keeps every JVM drawing the same ranks from the same state.
 */
final class Zipf {
    private Zipf() {}

    /** zeta(n, theta) = sum over i = 1..n of 1 / i^theta. */
    static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) sum += 1.0 / StrictMath.pow(i, theta);
        return sum;
    }

    static double eta(long n, double theta, double zetan) {
        if (n <= 2) return 0;
        double zeta2 = 1.0 + StrictMath.pow(0.5, theta);
        return (1.0 - StrictMath.pow(2.0 / n, 1.0 - theta)) / (1.0 - zeta2 / zetan);
    }

    static long rank(long random, long n, double theta, double zetan, double eta) {
        if (n <= 1) return 0;
        double u = Mix.unit(random);
        double uz = u * zetan;
        if (uz < 1.0) return 0;
        if (uz < 1.0 + StrictMath.pow(0.5, theta)) return 1;
        long r = (long) (n * StrictMath.pow(eta * u - eta + 1.0, 1.0 / (1.0 - theta)));
        return Math.min(Math.max(r, 0), n - 1);
    }
}
