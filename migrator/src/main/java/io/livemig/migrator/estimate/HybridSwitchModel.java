package io.livemig.migrator.estimate;

import io.livemig.migrator.policy.RoundFigures;

/**
 * When a hybrid migration gives pre-copy up for post-copy, as the source's switch rule decides it
 * ({@code PostcopySwitch}, restated here on simulated figures): with {@code --postcopy-after N},
 * after N rounds; with {@code auto}, during a round that has run half a second once the guest has
 * dirtied more pages than the round has sent, or after a round that left more than 90 % of the pages
 * it sent dirty. A hybrid migration whose pre-copy ends at a round or volume limit also goes on in
 * post-copy; only a converged one ends with a stop-and-copy. {@link #NEVER} is plain pre-copy.
 */
public final class HybridSwitchModel {
    /** The source's rule: a round must leave at most this share of the pages it sent to count as shrinking. */
    static final double SHRINK = 0.9;
    /** The source's rule: no round is judged on its first half second. */
    static final double MIN_SAMPLE_NANOS = 500_000_000.0;
    private static final int NO_SWITCH = -1;
    private static final int AUTO = 0;

    /** Plain pre-copy: never switches. */
    public static final HybridSwitchModel NEVER = new HybridSwitchModel(NO_SWITCH);

    private final int afterRounds;
    private String lastReason;

    private HybridSwitchModel(int afterRounds) {
        this.afterRounds = afterRounds;
    }

    /** A fresh model of {@code --postcopy-after auto}. */
    public static HybridSwitchModel auto() {
        return new HybridSwitchModel(AUTO);
    }

    /** A fresh model of {@code --postcopy-after N}. */
    public static HybridSwitchModel afterRounds(int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1");
        return new HybridSwitchModel(rounds);
    }

    public boolean isHybrid() {
        return afterRounds != NO_SWITCH;
    }

    /** Whether a round that sends for {@code sendNanos} at cap {@code capPct} is cut short at half a second. */
    boolean switchesDuringRound(GuestProfile guest, LinkProfile link, Overheads overheads, double sendNanos, double capPct) {
        if (afterRounds != AUTO || sendNanos < MIN_SAMPLE_NANOS) return false;
        double sent = link.bytesPerS() * MIN_SAMPLE_NANOS / 1e9 / (guest.pageSize() + overheads.pageEntryBytes());
        double dirtied = guest.pagesDirtiedIn(MIN_SAMPLE_NANOS, capPct);
        // W is concave: if dirtying has not outrun sending by the first check, it never does in this round.
        if (dirtied <= sent) return false;
        lastReason = String.format(java.util.Locale.ROOT, "the guest outruns a round (%.0f pages dirtied while %.0f were sent)",
                dirtied, sent);
        return true;
    }

    /** After a round that did not converge: switch now? */
    boolean switchesAfterRound(RoundFigures round) {
        if (afterRounds == NO_SWITCH) return false;
        if (afterRounds != AUTO) {
            if (round.round() + 1 < afterRounds) return false;
            lastReason = "after " + afterRounds + " rounds";
            return true;
        }
        if (round.pagesSent() > 0 && round.dirtyPages() > SHRINK * round.pagesSent()) {
            lastReason = "round " + round.round() + " left " + round.dirtyPages() + " of the " + round.pagesSent() + " pages it sent dirty";
            return true;
        }
        return false;
    }

    String lastReason() {
        return lastReason;
    }
}
