package io.livemig.migrator.estimate;

/**
 * The CPU a migration's own page stream takes from the guest while a round sends. Each end of the
 * stream has a thread that encodes or decodes pages and copies them: on an unlimited link it runs
 * flat out (the link then carries what those threads manage), under a rate limit it is busy
 * {@code rate / COPY_BYTES_PER_CORE_S} of the time. When the vCPUs and these threads want more than
 * the host's cores, the scheduler shares the cores out, and the vCPUs, their dirtying with them, get
 * {@code cores / demand} of what they got while sampled.
 *
 * <p>The other way round, a stream that is not held by a rate limit runs as fast as its threads get
 * the CPU: beside capped vCPUs, and most of all beside paused ones (the stop-and-copy), it gets more
 * of the cores than it got while the probe measured it beside the running guest
 * ({@link #rateScale}).
 *
 * <p>The setup loads the host too, whatever the link's rate: the destination touches all of the
 * guest's memory as it accepts the offer, and both JVMs compile the migration's code. Measured on
 * the saturated matrix's unlimited runs that never throttled (53 runs of sessions 10-11, fitted
 * over setups of 0.4-1.6 s): the guest lost 40 % of its pace during the setup with one vCPU and
 * 50 % with two, as beside a stream running flat out (33 % and 50 % by {@link #guestShare}, uncapped);
 * the model had counted the setup as free, and predicted half the measured work lost.
 *
 * @param hostCores  the cores of the host the guest runs on
 * @param copyCores  the CPU the page stream wants on that host, in cores
 * @param cpuBound   whether the stream's rate is what its threads manage (no rate limit holds it)
 * @param setupCores the CPU the setup takes on that host, in cores: that of a stream running flat out
 */
public record CopyLoad(int hostCores, double copyCores, boolean cpuBound, double setupCores) {
    /** No page stream on the guest's host worth counting. */
    public static final CopyLoad NONE = new CopyLoad(1, 0, false, 0);

    /**
     * What one thread copies per second of CPU: the unlimited loopback link of this project's
     * 2-core hosts carried 550-700 MiB/s with both ends' threads busy when the model's matrices
     * were measured. The stream is faster since (about 1250 MiB/s, docs/performance.md 10a), so
     * this overstates a rate-limited stream's CPU; it counts only where vCPUs and stream want more
     * than the cores, and stays until the matrices are measured again with today's transport.
     */
    static final double COPY_BYTES_PER_CORE_S = 600.0 * (1 << 20);

    /**
     * The share of a warm stream's rate ({@link #WARM_OVER_PROBE}) a stream the CPU paces reaches in
     * round 0: the page path (reading guest memory, encoding, the destination's decoding and storing)
     * runs for the first time in both JVMs and is compiled as it goes. Measured with
     * bench/matrices/stream-warmup.yaml (15 runs that never converge, so no round is left out for
     * being slow) and the saturated matrix (90 runs over the same link, whose round 0 is the same as
     * they are unthrottled until it ends), December 4, 2026: round 0 at 0.57 of the probe (median of
     * the 105; p10 0.46, p90 0.68; the 15 alone 0.64), 0.63 of the warm rate. Session 16's host gave
     * 0.76 of the probe, and within a run 0.58 of its later rounds (here 0.69).
     */
    static final double FIRST_ROUND_RATE_SHARE = 0.63;

    /**
     * A warm stream's rate over the probe's, where the CPU paces the stream: after round 0 the rounds
     * ran at 0.90 of the probe (median of the runs' medians; p10 0.84, p90 1.03) in the same 15 runs,
     * the stop-and-copy at 1.74 of the run's rounds beside paused vCPUs. The ratio is the host's: on
     * session 16's (a slower stream, 0.74-1.1 GiB/s, beside a slower probe) the rounds ran at 1.17 of
     * the probe, and with that figure here every unlimited round 0 of the saturated matrix was
     * predicted 10-35 % short (docs/estimate.md, session 20).
     */
    static final double WARM_OVER_PROBE = 0.90;

    public CopyLoad {
        if (hostCores < 1) throw new IllegalArgumentException("host cores must be >= 1");
        if (!(copyCores >= 0) || !(setupCores >= 0)) throw new IllegalArgumentException("copy load must be >= 0");
    }

    /**
     * The page stream of a link carrying {@code bytesPerS} on a host of {@code hostCores}.
     *
     * @param unlimited             no rate limit: the copying threads run flat out
     * @param destinationOnThisHost the receiving end runs here too (loopback, or a namespace of this host)
     */
    public static CopyLoad of(double bytesPerS, boolean unlimited, boolean destinationOnThisHost, int hostCores) {
        double perEnd = unlimited ? 1 : Math.min(1, bytesPerS / COPY_BYTES_PER_CORE_S);
        int ends = destinationOnThisHost ? 2 : 1;
        return new CopyLoad(hostCores, perEnd * ends, unlimited, ends);
    }

    /**
     * The stream's rate while the vCPUs want {@code vcpuCores} of CPU, as a multiple of its rate
     * while they wanted {@code probedVcpuCores} (when the link was measured): its threads get all
     * they want while vCPUs and stream fit in the cores, else cores / demand of it. 1 when a rate
     * limit, not the CPU, sets the pace.
     */
    public double rateScale(double vcpuCores, double probedVcpuCores) {
        if (!cpuBound || copyCores <= 0) return 1;
        return streamShare(vcpuCores) / streamShare(probedVcpuCores);
    }

    /** The rate a warm page stream reaches on a link a probe measured at {@code probedBytesPerS}: the same when a rate limit, not the CPU, sets the pace. */
    public double warmRate(double probedBytesPerS) {
        return cpuBound ? probedBytesPerS * WARM_OVER_PROBE : probedBytesPerS;
    }

    /** The stream's rate in round 0 as a share of its rate after: 1 when a rate limit, not the CPU, sets the pace. */
    public double firstRoundScale() {
        return cpuBound && copyCores > 0 ? FIRST_ROUND_RATE_SHARE : 1;
    }

    private double streamShare(double vcpuCores) {
        double demand = vcpuCores + copyCores;
        return demand <= hostCores ? 1 : hostCores / demand;
    }

    /**
     * The share of a core each of {@code vcpus} vCPUs capped at {@code capPct} gets while pages flow,
     * having got {@code sampledShare} before, as a share of the wall time before the cap (so a vCPU
     * runs share x cap): capped vCPUs want less, and once vCPUs and stream fit in the cores
     * each vCPU gets all its cap allows. Measured on the 2-vCPU hotcold guest at caps of 9-13 %
     * beside an unlimited stream: 85-120 MiB dirtied in the capped round, where the model, counting
     * the competition of uncapped vCPUs (half a core each), left final sets of about 45 MiB.
     */
    public double guestShare(double sampledShare, int vcpus, double capPct) {
        return shareBeside(copyCores, sampledShare, vcpus * Math.max(0, Math.min(100, capPct)) / 100);
    }

    /** The share of a core each of {@code vcpus} vCPUs gets during the setup, having got {@code sampledShare} before. */
    public double setupGuestShare(double sampledShare, int vcpus) {
        return shareBeside(setupCores, sampledShare, vcpus);
    }

    /** The work {@code guest} loses during a setup of {@code setupNanos}, at the share the setup leaves it. */
    double setupWorkLostNanos(double setupNanos, GuestProfile guest) {
        return setupNanos * (1 - setupGuestShare(guest.cpuShare(), guest.vcpus()) / guest.cpuShare());
    }

    /** {@code vcpus}: how many vCPUs want the CPU, a capped one counting as its cap. */
    private double shareBeside(double otherCores, double sampledShare, double vcpus) {
        double demand = vcpus * sampledShare + otherCores;
        return demand <= hostCores ? sampledShare : sampledShare * hostCores / demand;
    }
}
