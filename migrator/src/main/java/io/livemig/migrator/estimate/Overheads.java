package io.livemig.migrator.estimate;

/**
 * The fixed costs of a migration that the guest and the link do not explain: measured on this
 * project's machines (loopback between two JVMs on a 2-core host; the medians of the components
 * every run reports, docs/estimate.md) and used as defaults ({@link #defaultsFor}), stretched on a
 * busier host ({@link #onHostWithShare}).
 *
 * @param setupNanos          connect, handshake, the guest offer and the destination's answer (which
 *                            includes touching all of the guest's memory there)
 * @param pageEntryBytes      wire bytes per page beyond its data (the batch entry, framing shared out)
 * @param pauseNanos          the guest reaching its safe points when paused
 * @param handoverNanos       after the last page (and the source's digest): the destination's check,
 *                            READY, COMMIT, resume
 * @param appGapNanos         the guest's own gap beyond the host downtime (its last and first operation)
 * @param postcopySwitchNanos post-copy: pause, vCPU states, the switch, resume on the destination
 * @param faultServiceNanos   post-copy: the two ends' work for one page request, beyond the round
 *                            trip and the page's transfer
 */
public record Overheads(long setupNanos, int pageEntryBytes, long pauseNanos, long handoverNanos, long appGapNanos,
                        long postcopySwitchNanos, long faultServiceNanos) {
    /**
     * The setup's part that does not grow with the guest: connect, handshake, offer, answer. Measured
     * setups (medians of session 20's matrices, December 4, 2026, 285 runs): 624 ms (256 MiB guests,
     * 180 runs), 1.2 s (1 GiB, 45 runs; 0.87-2.2 s, and 2.0-2.1 s in all five of the warm-up
     * matrix's), fitted to those two; 128 MiB guests took 356 ms (60 runs), where this says 527.
     * The host before gave 505 ms, 850 ms and 2.2 s (sessions 14-16, 465 runs: 260 ms + memory / 530
     * MiB/s), and sessions 10-12's 390 ms, 575 ms and 1.55 s. A first touch of memory costs these VMs a
     * fault in the hypervisor, and what it costs moves with the host: the run after a 1 GiB one, whose
     * memory the host had just backed, set up a 256 MiB guest in 250 ms where the others took 0.8-1.3 s.
     */
    static final long SETUP_BASE_NANOS = 430_000_000L;

    /**
     * How fast the destination touches the guest's memory when it accepts the offer (it
     * preallocates before round 0): the growth of the measured setup with the guest's memory.
     */
    static final double DESTINATION_PREFAULT_BYTES_PER_S = 1320.0 * (1 << 20);

    /**
     * The costs of a 128 MiB guest. Handover: what the downtime measures beyond the pause and the
     * final transfer, 21-26 ms (medians of 210 pre-copy runs of session 11, by guest size and link:
     * verify 6-10 ms, resume 10-12 ms, the messages between them), less the 10 % that the typical
     * host share of those runs stretches it by; pause: under 1 ms.
     */
    public static final Overheads DEFAULTS = new Overheads(setupNanosFor(128L << 20), 8, 1_000_000L, 22_000_000L, 4_000_000L,
            15_000_000L, 200_000L);

    /** The default costs of migrating a guest of {@code memoryBytes}: the setup grows with the memory the destination touches. */
    public static Overheads defaultsFor(long memoryBytes) {
        return DEFAULTS.withSetupNanos(setupNanosFor(memoryBytes));
    }

    static long setupNanosFor(long memoryBytes) {
        return SETUP_BASE_NANOS + Math.round(memoryBytes / DESTINATION_PREFAULT_BYTES_PER_S * 1e9);
    }

    /** A round trip on loopback between two JVMs on a busy host, when nothing measured it. */
    public static final long DEFAULT_ROUND_TRIP_NANOS = 1_000_000L;

    public Overheads {
        if (setupNanos < 0 || pageEntryBytes < 0 || pauseNanos < 0 || handoverNanos < 0 || appGapNanos < 0
                || postcopySwitchNanos < 0 || faultServiceNanos < 0) {
            throw new IllegalArgumentException("overheads must be >= 0");
        }
    }

    /** The share of a core below which the costs stop stretching (a guest that got next to nothing is an outlier). */
    static final double MIN_HOST_SHARE = 0.05;

    /**
     * These costs on a host that gives a thread {@code hostShare} of a core (the share the sampled
     * vCPU got of the time it wanted one, {@link GuestProfile#hostShare}): each is CPU work, or a
     * wake-up of a thread that waits its turn, on some thread of the two processes, so it stretches
     * by 1 / share. Wire bytes do not.
     */
    public Overheads onHostWithShare(double hostShare) {
        double stretch = 1 / Math.max(MIN_HOST_SHARE, Math.min(1, hostShare));
        return new Overheads(Math.round(setupNanos * stretch), pageEntryBytes, Math.round(pauseNanos * stretch),
                Math.round(handoverNanos * stretch), Math.round(appGapNanos * stretch), Math.round(postcopySwitchNanos * stretch),
                Math.round(faultServiceNanos * stretch));
    }

    public Overheads withSetupNanos(long nanos) {
        return new Overheads(nanos, pageEntryBytes, pauseNanos, handoverNanos, appGapNanos, postcopySwitchNanos, faultServiceNanos);
    }

    /** Wire bytes of {@code pages} pages of {@code pageSize} bytes. */
    public double wireBytes(double pages, int pageSize) {
        return pages * (pageSize + pageEntryBytes);
    }
}
