package io.livemig.migrator.migration;

import io.livemig.migrator.policy.RoundFigures;

import java.util.function.BooleanSupplier;

/**
 * Hybrid mode: when pre-copy gives way to post-copy. With {@code --postcopy-after N}: once N rounds
 * are done. With {@code auto}, as soon as more pre-copy cannot pay off:
 * <ol>
 *   <li>during a round (checked after each batch, once the round has run
 *   {@link #MIN_SAMPLE_NANOS}): the guest has dirtied more pages since the round began than the
 *   round has sent. Every page sent from then on is likely sent twice, so switch now; a guest that
 *   writes faster than the link never finishes round 0 (a full-speed writer of 254 MiB at 32 MiB/s
 *   switches after half a second instead of after 8 s);</li>
 *   <li>after a round: the dirty set it left is not at least {@link #SHRINK} smaller than the pages
 *   it sent (the rounds stopped shrinking it);</li>
 *   <li>after a round: the convergence policy's verdict is {@code infeasible}
 *   ({@code policyInfeasible}, the hook a policy with a verdict plugs into).</li>
 * </ol>
 * If pre-copy converges first (the {@link StopRule} says so), there is nothing to switch for: the
 * migration ends with an ordinary stop-and-copy.
 */
final class PostcopySwitch {
    /** A round must leave at most this fraction of the pages it sent to count as shrinking. */
    static final double SHRINK = 0.9;
    /** Do not judge a round on its first instants, when few pages are out and any write looks large. */
    static final long MIN_SAMPLE_NANOS = 500_000_000L;

    private final int afterRounds;
    private final BooleanSupplier policyInfeasible;
    private String reason;

    /**
     * @param afterRounds      {@link PostcopyOptions#AUTO} or a number of rounds >= 1
     * @param policyInfeasible true when the convergence policy has said pre-copy cannot meet the target
     */
    PostcopySwitch(int afterRounds, BooleanSupplier policyInfeasible) {
        this.afterRounds = afterRounds;
        this.policyInfeasible = policyInfeasible;
    }

    boolean isAuto() {
        return afterRounds == PostcopyOptions.AUTO;
    }

    /** Within a round, after a batch: switch before the round ends? */
    boolean duringRound(long roundNanos, long pagesSentThisRound, long pagesDirtiedThisRound) {
        if (!isAuto() || roundNanos < MIN_SAMPLE_NANOS || pagesDirtiedThisRound <= pagesSentThisRound) return false;
        reason = "the guest dirtied " + pagesDirtiedThisRound + " pages while the round sent " + pagesSentThisRound;
        return true;
    }

    /** After a round: switch now? */
    boolean afterRound(RoundFigures round) {
        if (!isAuto()) {
            if (round.round() + 1 < afterRounds) return false;
            reason = "after " + afterRounds + " rounds (--postcopy-after)";
            return true;
        }
        if (round.pagesSent() > 0 && round.dirtyPages() > SHRINK * round.pagesSent()) {
            reason = "round " + round.round() + " left " + round.dirtyPages() + " dirty pages of the " + round.pagesSent() + " it sent";
            return true;
        }
        if (policyInfeasible.getAsBoolean()) {
            reason = "the convergence policy finds pre-copy infeasible";
            return true;
        }
        return false;
    }

    /** Why it switched, for the report; null until it did. */
    String reason() {
        return reason;
    }
}
