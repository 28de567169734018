package io.livemig.migrator.estimate;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code --policy auto}: the candidate to run, from the predictions.
 * <ol>
 *   <li>Among the pre-copy candidates whose predicted downtime meets the limit, the one that loses
 *   the least guest work; ties, within {@link #TIE_SHARE} of the least (and {@link #TIE_NANOS}):
 *   the shorter migration, then the order of the candidates, {@code none} first.</li>
 *   <li>If none meets it: the same among the hybrid candidates.</li>
 *   <li>If still none: the candidate with the shortest predicted downtime among pre-copy and hybrid
 *   (ties: less work lost), and the reason says the limit is not expected to hold.</li>
 * </ol>
 * Post-copy alone is never chosen on its own account: a process that dies during post-copy loses
 * the guest, and hybrid gets most of its downtime with a smaller share of the guest left in flight.
 * A user who pins the mode ({@code --mode} given with {@code --policy auto}) gets the same rules
 * within that mode ({@link #chooseIn}).
 */
public final class AutoChoice {
    /** Work lost closer than this counts as equal. */
    static final double TIE_NANOS = 1_000_000;
    /**
     * Work lost within this share of the least counts as equal too: the model cannot tell such
     * candidates apart (one fixed policy's measured work lost spreads by 10-25 % from run to run), and
     * the shorter migration ends the guest's exposure sooner. On the saturated writer at 128 MiB/s,
     * {@code cpu-scheduling} and {@code dirty-limit} were predicted 2.39 and 2.40 s lost (and lost
     * 2.3 and 2.4 s): auto went one way or the other by the sample's noise, to migrations of 4.7 or 7 s.
     */
    static final double TIE_SHARE = 0.05;

    /** The choice and one sentence why. */
    public record Choice(Prediction chosen, String reason) {}

    private AutoChoice() {}

    /** @param predictions one per candidate, in {@link MigrationEstimator#candidates()} order */
    public static Choice choose(List<Prediction> predictions) {
        Optional<Prediction> precopy = leastWorkLostMeetingLimit(predictions, Candidate.PRECOPY);
        if (precopy.isPresent()) {
            return new Choice(precopy.get(), "the pre-copy candidate that meets the downtime limit with the least work lost");
        }
        Optional<Prediction> hybrid = leastWorkLostMeetingLimit(predictions, Candidate.HYBRID);
        if (hybrid.isPresent()) {
            return new Choice(hybrid.get(), "no pre-copy policy meets the downtime limit; hybrid does, with the least work lost");
        }
        return new Choice(shortestDowntime(predictions, List.of(Candidate.PRECOPY, Candidate.HYBRID)),
                "no candidate meets the downtime limit; this one has the shortest predicted downtime");
    }

    /** The same rules within one mode (the user pinned it). */
    public static Choice chooseIn(List<Prediction> predictions, String mode) {
        Optional<Prediction> meeting = leastWorkLostMeetingLimit(predictions, mode);
        if (meeting.isPresent()) {
            return new Choice(meeting.get(), "the " + mode + " candidate that meets the downtime limit with the least work lost");
        }
        return new Choice(shortestDowntime(predictions, List.of(mode)),
                "no " + mode + " candidate meets the downtime limit; this one has the shortest predicted downtime");
    }

    private static Prediction shortestDowntime(List<Prediction> predictions, List<String> modes) {
        return predictions.stream().filter(p -> modes.contains(p.mode()))
                .min(Comparator.comparingDouble(Prediction::downtimeMs).thenComparingDouble(Prediction::workLostS))
                .orElseThrow(() -> new IllegalArgumentException("no " + String.join(" or ", modes) + " candidate to choose from"));
    }

    private static Optional<Prediction> leastWorkLostMeetingLimit(List<Prediction> predictions, String mode) {
        List<Prediction> meeting = predictions.stream().filter(p -> p.mode().equals(mode) && p.limitMet()).toList();
        double least = meeting.stream().mapToDouble(Prediction::workLostS).min().orElse(0);
        double tied = least * (1 + TIE_SHARE) + TIE_NANOS / 1e9;
        // Stream.min keeps the first of equals: the candidates' order breaks the last ties.
        return meeting.stream().filter(p -> p.workLostS() < tied).min(Comparator.comparingDouble(Prediction::totalTimeMs));
    }
}
