package io.livemig.migrator.estimate;

import io.livemig.migrator.stats.StopReason;

import java.util.List;

/**
 * How the simulated pre-copy went, up to the moment it ended (the stop rule's verdict, or
 * hybrid's switch to post-copy).
 *
 * @param rounds           every round sent, in order
 * @param elapsedNanos     from the start of the migration (setup included) to the end of pre-copy
 * @param bytesSent        bytes sent by the rounds
 * @param workLostNanos    guest time lost to throttling during the rounds (seconds of work at full speed)
 * @param dirtyPagesLeft   pages the stop-and-copy (or post-copy) still has to send
 * @param stopReason       the stop rule's verdict; null when hybrid switched to post-copy first
 * @param switchReason     why hybrid switched, or null
 * @param finalCapPct      the cap in force when pre-copy ended
 * @param maxThrottlePct   the deepest throttle of the rounds (100 - lowest cap)
 */
public record PrecopyCourse(List<SimulatedRound> rounds, double elapsedNanos, double bytesSent, double workLostNanos,
                            double dirtyPagesLeft, StopReason stopReason, String switchReason, double finalCapPct,
                            double maxThrottlePct) {
    public PrecopyCourse {
        rounds = List.copyOf(rounds);
    }

    public boolean switchedToPostcopy() {
        return switchReason != null;
    }

    /** One simulated round: what it sent, how long it took, what it left dirty, at which cap. */
    public record SimulatedRound(int round, double pages, double bytes, double durationNanos, double dirtyPages,
                                 double capPct, long dirtyLimitPagesPerS) {}
}
