package io.livemig.migrator.estimate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.livemig.migrator.stats.StopReason;

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
 * @param downtimeLowMs     the least host downtime over the link's rate moving by {@link MigrationEstimator#RATE_SPREAD}
 *                          either way, as the rate of a link no limit holds does from round to round
 *                          (= {@code downtimeMs} on a limited link); a range far wider than the point says
 *                          that the outcome is on an edge (converging a round earlier or later)
 * @param downtimeHighMs    the greatest, likewise
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
 */
public record Prediction(String policy, String mode, int postcopyAfter, double totalTimeMs, double downtimeMs, double downtimeLowMs,
                         double downtimeHighMs, double appDowntimeMs,
                         long transferredBytes, int rounds, double workLostS, double workLostPct, double maxThrottlePct,
                         boolean limitMet, StopReason endedBy, String note) {

    @JsonIgnore
    public Candidate candidate() {
        return new Candidate(policy, mode, postcopyAfter);
    }

    /** This prediction with the host downtime's range over the link's rate. */
    Prediction withDowntimeRange(double lowMs, double highMs) {
        return new Prediction(policy, mode, postcopyAfter, totalTimeMs, downtimeMs, lowMs, highMs, appDowntimeMs, transferredBytes, rounds,
                workLostS, workLostPct, maxThrottlePct, limitMet, endedBy, note);
    }
}
