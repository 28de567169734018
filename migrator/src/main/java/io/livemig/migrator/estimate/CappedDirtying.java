package io.livemig.migrator.estimate;

import io.livemig.emulator.CpuScheduler;

/**
 * The pages a capped vCPU dirties in a round, as the emulator's token bucket lets it run.
 *
 * <p>A capped vCPU runs in bursts and sleeps between them: it wakes once per period (stretched at
 * low caps so that a burst is 200 us), or once per bound on one sleep (the migration's downtime
 * limit) where the period outlasts it, each time with cap x that interval of CPU earned, of which
 * the wake-up itself costs {@link #WAKE_UP_NANOS}, and runs at least one step. Over a round it
 * dirties W(cap x round) (the duty cycle) or, if fewer, the wake-ups' count times what each one's
 * CPU left after waking dirties (at least a step's pages). Measured on the write-saturated guest at
 * caps of 0.01-0.03 % and a 300 ms bound: one step (256 pages) per wake-up, 1 538 pages in a 2 s round
 * and 6 658 in an 8 s one, where W(cap x round) says 13 000-37 000; at 0.073 %, the period (274 ms)
 * just inside the bound, the duty cycle alone said 25 700 pages where a run at 0.055 % dirtied 1 538.
 * A guest whose W bends (its pages rewritten) keeps its duty cycle at all but the lowest caps.
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
        if (capPct >= CpuScheduler.MAX_CAP_PCT || guest.pagesPerStep() <= 0) return dutyCycle;
        double interval = Math.min(scheduler.periodNanosAtCap(capPct), scheduler.maxSleepNanos());
        double afterWaking = Math.max(0, capPct / 100 * guest.cpuShare() * interval - WAKE_UP_NANOS);
        double perWakeUp = Math.max(guest.pagesPerStep(), guest.dirtyCurve().pagesAt(afterWaking));
        return Math.min(dutyCycle, wallNanos / interval * perWakeUp);
    }
}
