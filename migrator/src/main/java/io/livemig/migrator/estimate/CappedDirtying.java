package io.livemig.migrator.estimate;

import io.livemig.emulator.CpuScheduler;

/**
 * The pages a capped vCPU dirties in a round, as the emulator's token bucket lets it run.
 *
 * <p>At most caps a vCPU runs in bursts of cap x period and sleeps the rest of each period, so over a
 * round it gets cap x the round of CPU and dirties W(that). At the lowest caps the period (stretched
 * so that a burst is 200 us) outlasts the bound the migration puts on one sleep (its downtime
 * limit): the vCPU then wakes once per bound with only cap x bound of CPU earned, less what the
 * wake-up itself costs it, and runs at least one step. Measured on the write-saturated guest at caps
 * of 0.01-0.03 % and a 300 ms bound: one step (256 pages) per wake-up, 1 538 pages in a 2 s round and
 * 6 658 in an 8 s one, where W(cap x round) says 13 000-37 000.
 */
final class CappedDirtying {
    /**
     * The CPU a wake-up from a throttle sleep costs a vCPU here before its steps run at full speed:
     * 110-220 us after sleeps of 10-300 ms (docs/estimate.md, session 19), and at caps of
     * 0.023-0.05 % under a 300 ms bound, 69-150 us earned per wake-up, every wake-up ran exactly one
     * step (every such run of session 20's saturated matrix). The figure was 45 us, a thread's bare
     * wake-up, while W(tau) was measured from before the dirty log's clear: its start then read slow,
     * and W of what was left after 45 us came out near one step anyway.
     */
    static final double WAKE_UP_NANOS = 150_000;

    private CappedDirtying() { }

    /** Pages {@code guest}'s vCPU dirties in {@code wallNanos} at cap {@code capPct} under {@code scheduler}'s sleep bound. */
    static double pagesDirtiedIn(GuestProfile guest, CpuScheduler scheduler, double wallNanos, double capPct) {
        double dutyCycle = guest.pagesDirtiedIn(wallNanos, capPct);
        double bound = scheduler.maxSleepNanos();
        if (capPct >= CpuScheduler.MAX_CAP_PCT || guest.pagesPerStep() <= 0 || scheduler.periodNanosAtCap(capPct) <= bound) {
            return dutyCycle;
        }
        double earned = Math.max(0, capPct / 100 * guest.cpuShare() * bound - WAKE_UP_NANOS);
        double perWakeUp = Math.max(guest.pagesPerStep(), guest.dirtyCurve().pagesAt(earned));
        return Math.min(dutyCycle, wallNanos / bound * perWakeUp);
    }
}
