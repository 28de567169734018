package io.livemig.migrator.estimate;

/**
 * Post-copy, alone ({@code --mode postcopy}: every page is missing) or after hybrid's pre-copy (the
 * pages pre-copy left dirty are missing). The guest resumes on the destination after a short
 * switch; the source pushes the missing pages at the link rate, and a vCPU that touches a missing
 * page first waits for it: a fault costs a round trip, the page's transfer and the two ends' work.
 *
 * <p>The guest's first touches follow its curve W (from the resume, every page it writes is a
 * first write); a first touch finds its page missing with the probability that the page was missing
 * at the switch ({@code missingShare}: 1 in post-copy, the dirty set over the working set in hybrid)
 * times the share of the push still to come (the push drains the missing pages linearly). So in a
 * step dt of wall time a vCPU runs d tau of CPU with dt = d tau / s + L x (dW/vCPUs) x p(t); the work
 * lost is the push time minus the CPU time this leaves the guest, over s. Reads of missing pages
 * fault too, and W counts only writes: a guest that reads much more than it writes loses more.
 */
public final class PostcopyModel {
    private static final int STEPS = 400;
    /** Far enough in CPU time to take W's plateau as the guest's working set. */
    private static final double WORKING_SET_HORIZON_NANOS = 60e9;

    private PostcopyModel() {}

    /**
     * @param missingPages   pages the destination lacks at the switch
     * @param missingNonZero of those, the pages holding data (the others travel as an entry only)
     * @param allMissing     true for post-copy alone (every page missing), false after hybrid's pre-copy
     */
    public static Ending after(double missingPages, double missingNonZero, boolean allMissing, GuestProfile guest,
                               LinkProfile link, Overheads overheads) {
        double bytes = overheads.wireBytes(missingNonZero, guest.pageSize())
                + (missingPages - missingNonZero) * overheads.pageEntryBytes();
        double push = link.transferNanos(bytes);
        double fault = link.roundTripNanos() + link.transferNanos(guest.pageSize() + overheads.pageEntryBytes())
                + overheads.faultServiceNanos();
        double workingSet = Math.max(1, Math.min(guest.pageCount(), guest.dirtyCurve().pagesAt(WORKING_SET_HORIZON_NANOS)));
        double missingShare = allMissing ? 1 : Math.min(1, missingPages / workingSet);
        double stalled = missingPages <= 0 ? 0 : stalledNanos(guest, push, fault, missingShare);
        double downtime = overheads.pauseNanos() + overheads.postcopySwitchNanos();
        double app = downtime + overheads.appGapNanos() + (missingPages > 0 && missingShare > 0 ? fault : 0);
        double duration = downtime + push + link.roundTripNanos();
        return new Ending(duration, bytes, downtime, app, app + stalled);
    }

    /** Guest time lost to faults while the push runs, integrated in {@link #STEPS} steps. */
    static double stalledNanos(GuestProfile guest, double pushNanos, double faultNanos, double missingShare) {
        double s = guest.cpuShare();
        double dt = pushNanos / STEPS;
        double tau = 0;
        for (int i = 0; i < STEPS; i++) {
            double stillMissing = missingShare * (1 - (i + 0.5) / STEPS);
            double h = Math.max(10_000, tau * 0.01);
            double slope = (guest.dirtyCurve().pagesAt(tau + h) - guest.dirtyCurve().pagesAt(tau)) / h / guest.vcpus();
            tau += dt / (1 / s + faultNanos * slope * stillMissing);
        }
        return Math.max(0, pushNanos - tau / s);
    }
}
