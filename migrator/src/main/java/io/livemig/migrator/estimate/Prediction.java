package io.livemig.migrator.estimate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.livemig.migrator.stats.PredictedRound;
import io.livemig.migrator.stats.StopReason;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What the model predicts for one {@link Candidate}: written by {@code livemig estimate --stats-json}
 * as one object per candidate (snake_case keys).
 *
 * @param policy            the convergence policy
 * @param mode              precopy, postcopy or hybrid
 * @param postcopyAfter     hybrid: the rounds after which it switches to post-copy, 0 = the migration's own
 *                          {@code --postcopy-after}
 * @param totalTimeMs       from the start of the migration to its end
 * @param downtimeMs        host downtime (post-copy: the switch)
 * @param downtimeLowMs     the 10th percentile of the host downtime over the courses of a link no limit holds
 *                          ({@link StreamPace}; = {@code downtimeMs} on a limited link); a range far wider
 *                          than the point says that the outcome is on an edge (converging a round earlier or later)
 * @param downtimeHighMs    the 90th percentile, likewise
 * @param appDowntimeMs     the gap the guest sees
 * @param transferredBytes  bytes on the wire
 * @param rounds            pre-copy rounds, the stop-and-copy counted as one (as {@code rounds} in the stats)
 * @param workLostS         guest work lost, in seconds at its speed before the migration
 * @param workLostPct       that, over the time from the start until the guest ran on the destination
 *                          (post-copy: until the last page arrived), as {@code app_work_lost_pct}
 * @param maxThrottlePct    the deepest CPU throttle of the rounds
 * @param limitMet          the predicted host downtime is within the downtime limit
 * @param endedBy           how pre-copy ended: converged, max-rounds, max-volume, postcopy (its {@code stop_reason})
 * @param note              why post-copy took over, or empty
 * @param roundsDetail      the pre-copy rounds played out (the stop-and-copy not among them)
 */
public record Prediction(String policy, String mode, int postcopyAfter, double totalTimeMs, double downtimeMs, double downtimeLowMs,
                         double downtimeHighMs, double appDowntimeMs,
                         long transferredBytes, int rounds, double workLostS, double workLostPct, double maxThrottlePct,
                         boolean limitMet, StopReason endedBy, String note, List<PredictedRound> roundsDetail) {
    public Prediction {
        roundsDetail = List.copyOf(roundsDetail);
    }

    @JsonIgnore
    public Candidate candidate() {
        return new Candidate(policy, mode, postcopyAfter);
    }

    /**
     * One prediction from the courses of the same candidate: each figure the median of theirs (each
     * the figure a median run would show), the downtime's range from their 10th to 90th percentile,
     * and how pre-copy ended and its rounds as in the course of the median total time.
     */
    static Prediction medianOf(List<Prediction> courses, double downtimeLimitMs) {
        if (courses.isEmpty()) throw new IllegalArgumentException("no course to take the median of");
        List<Prediction> byTime = courses.stream().sorted(Comparator.comparingDouble(Prediction::totalTimeMs)).toList();
        Prediction middle = byTime.get(byTime.size() / 2);
        double[] downtimes = sorted(courses, Prediction::downtimeMs);
        double downtime = median(downtimes);
        return new Prediction(middle.policy, middle.mode, middle.postcopyAfter, middle.totalTimeMs, downtime,
                downtimes[(downtimes.length - 1) / 10], downtimes[downtimes.length - 1 - (downtimes.length - 1) / 10],
                median(sorted(courses, Prediction::appDowntimeMs)), Math.round(median(sorted(courses, p -> p.transferredBytes))),
                (int) median(sorted(courses, p -> p.rounds)), median(sorted(courses, Prediction::workLostS)),
                median(sorted(courses, Prediction::workLostPct)), median(sorted(courses, Prediction::maxThrottlePct)),
                downtime <= downtimeLimitMs, middle.endedBy, middle.note, middle.roundsDetail);
    }

    private static double[] sorted(List<Prediction> courses, ToDoubleFunction<Prediction> figure) {
        return courses.stream().mapToDouble(figure).sorted().toArray();
    }

    /** The middle value of an odd count, the lower middle of an even one: a figure some course had. */
    private static double median(double[] sorted) {
        return sorted[(sorted.length - 1) / 2];
    }
}
