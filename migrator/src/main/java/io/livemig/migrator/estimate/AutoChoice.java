package io.livemig.migrator.estimate;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code --policy auto}: the candidate to run, from the predictions.
 * <ol>
 *   <li>Among the pre-copy candidates whose predicted downtime meets the limit, the one that loses
 *   the least guest work (ties, within {@link #TIE_NANOS}: the shorter migration; then the order of
 *   the candidates, {@code none} first).</li>
 *   <li>If none meets it and hybrid can run here: the same among the hybrid candidates.</li>
 *   <li>If still none: the candidate with the shortest predicted downtime among those that can run
 *   (ties: less work lost), and the reason says the limit is not expected to hold.</li>
 * </ol>
 * Post-copy alone is never chosen: a process that dies during post-copy loses the guest, and hybrid
 * gets most of its downtime with a smaller share of the guest left in flight.
 */
public final class AutoChoice {
    /**
     * Whether this build's source can run a hybrid migration. Until {@code --mode} exists the
     * choice stays among the pre-copy candidates (hybrid is still predicted and shown).
     */
    public static final boolean HYBRID_CAN_RUN = false;

    /** Work lost closer than this counts as equal. */
    static final double TIE_NANOS = 1_000_000;

    /** The choice and one sentence why. */
    public record Choice(Prediction chosen, String reason) {}

    private AutoChoice() {}

    /**
     * @param predictions one per candidate, in {@link MigrationEstimator#candidates()} order
     * @param hybridAvailable whether this source can run hybrid ({@code --mode hybrid})
     */
    public static Choice choose(List<Prediction> predictions, boolean hybridAvailable) {
        Optional<Prediction> precopy = leastWorkLostMeetingLimit(predictions, Candidate.PRECOPY);
        if (precopy.isPresent()) {
            return new Choice(precopy.get(), "the pre-copy candidate that meets the downtime limit with the least work lost");
        }
        if (hybridAvailable) {
            Optional<Prediction> hybrid = leastWorkLostMeetingLimit(predictions, Candidate.HYBRID);
            if (hybrid.isPresent()) {
                return new Choice(hybrid.get(), "no pre-copy policy meets the downtime limit; hybrid does, with the least work lost");
            }
        }
        Prediction shortest = predictions.stream()
                .filter(p -> p.mode().equals(Candidate.PRECOPY) || hybridAvailable && p.mode().equals(Candidate.HYBRID))
                .min(Comparator.comparingDouble(Prediction::downtimeMs).thenComparingDouble(Prediction::workLostS))
                .orElseThrow(() -> new IllegalArgumentException("no candidate to choose from"));
        return new Choice(shortest, "no candidate meets the downtime limit; this one has the shortest predicted downtime");
    }

    private static Optional<Prediction> leastWorkLostMeetingLimit(List<Prediction> predictions, String mode) {
        Prediction best = null;
        for (Prediction p : predictions) {
            if (!p.mode().equals(mode) || !p.limitMet()) continue;
            if (best == null || better(p, best)) best = p;
        }
        return Optional.ofNullable(best);
    }

    private static boolean better(Prediction p, Prediction best) {
        double lostDiffNanos = (p.workLostS() - best.workLostS()) * 1e9;
        if (Math.abs(lostDiffNanos) >= TIE_NANOS) return lostDiffNanos < 0;
        return p.totalTimeMs() < best.totalTimeMs();
    }
}
