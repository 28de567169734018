package io.livemig.migrator.estimate;

/**
 * The CPU a migration's own page stream takes from the guest while a round sends. Each end of the
 * stream has a thread that encodes or decodes pages and copies them: on an unlimited link it runs
 * flat out (the link then carries what those threads manage), under a rate limit it is busy
 * {@code rate / COPY_BYTES_PER_CORE_S} of the time. When the vCPUs and these threads want more than
 * the host's cores, the scheduler shares the cores out, and the vCPUs, their dirtying with them, get
 * {@code cores / demand} of what they got while sampled.
 *
 * @param hostCores the cores of the host the guest runs on
 * @param copyCores the CPU the page stream wants on that host, in cores
 */
public record CopyLoad(int hostCores, double copyCores) {
    /** No page stream on the guest's host worth counting. */
    public static final CopyLoad NONE = new CopyLoad(1, 0);

    /**
     * What one thread copies per second of CPU: the unlimited loopback link of this project's
     * 2-core hosts carried 550-700 MiB/s with both ends' threads busy when the model's matrices
     * were measured. The stream is faster since (about 1250 MiB/s, docs/performance.md 10a), so
     * this overstates a rate-limited stream's CPU; it counts only where vCPUs and stream want more
     * than the cores, and stays until the matrices are measured again with today's transport.
     */
    static final double COPY_BYTES_PER_CORE_S = 600.0 * (1 << 20);

    public CopyLoad {
        if (hostCores < 1) throw new IllegalArgumentException("host cores must be >= 1");
        if (!(copyCores >= 0)) throw new IllegalArgumentException("copy load must be >= 0");
    }

    /**
     * The page stream of a link carrying {@code bytesPerS} on a host of {@code hostCores}.
     *
     * @param unlimited             no rate limit: the copying threads run flat out
     * @param destinationOnThisHost the receiving end runs here too (loopback, or a namespace of this host)
     */
    public static CopyLoad of(double bytesPerS, boolean unlimited, boolean destinationOnThisHost, int hostCores) {
        double perEnd = unlimited ? 1 : Math.min(1, bytesPerS / COPY_BYTES_PER_CORE_S);
        return new CopyLoad(hostCores, perEnd * (destinationOnThisHost ? 2 : 1));
    }

    /** The share of a core each of {@code vcpus} vCPUs gets while pages flow, having got {@code sampledShare} before. */
    public double guestShare(double sampledShare, int vcpus) {
        double demand = vcpus * sampledShare + copyCores;
        return demand <= hostCores ? sampledShare : sampledShare * hostCores / demand;
    }
}
