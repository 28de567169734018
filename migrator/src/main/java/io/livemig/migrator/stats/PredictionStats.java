package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What the cost model predicted for a migration, and which candidate ran: written into
 * {@code --stats-json} as flat keys ({@code predicted_total_time_ms}, ..., {@code chosen_policy},
 * {@code chosen_mode}, {@code chosen_by}, {@code chosen_postcopy_after}) beside what was measured, and every candidate the model
 * predicted ({@code predicted_candidates}, a list); absent when nothing was
 * predicted (without {@code --policy auto} or {@code --predict}).
 *
 * @param predictedTotalTimeMs      predicted {@code total_time_ms}
 * @param predictedDowntimeMs       predicted {@code downtime_ms}
 * @param predictedDowntimeLowMs    its 10th percentile over the courses of a link no limit holds (whose
 *                                  rounds move around its rate); = {@code predictedDowntimeMs} on a limited link
 * @param predictedDowntimeHighMs   its 90th percentile, likewise
 * @param predictedAppDowntimeMs    predicted {@code app_downtime_ms}
 * @param predictedTransferredBytes predicted {@code transferred_bytes}
 * @param predictedRounds           predicted {@code rounds}
 * @param predictedWorkLostPct      predicted {@code app_work_lost_pct}
 * @param predictedLimitMet         whether the predicted downtime meets the limit
 * @param chosenPolicy              the policy that ran
 * @param chosenMode                the mode that ran (precopy, postcopy, hybrid)
 * @param chosenBy                  {@code auto} (the model chose) or {@code fixed} (the user did)
 * @param chosenPostcopyAfter       hybrid chosen with a switch round of its own ({@code --postcopy-after} overridden), or null
 * @param predictedCandidates       every candidate the model predicted, the chosen one among them
 * @param predictedRoundsDetail     the chosen candidate's pre-copy rounds as the model played them out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionStats(Double predictedTotalTimeMs, Double predictedDowntimeMs, Double predictedDowntimeLowMs,
                              Double predictedDowntimeHighMs, Double predictedAppDowntimeMs,
                              Long predictedTransferredBytes, Integer predictedRounds, Double predictedWorkLostPct,
                              Boolean predictedLimitMet, String chosenPolicy, String chosenMode, String chosenBy,
                              Integer chosenPostcopyAfter, List<CandidateFigures> predictedCandidates,
                              List<PredictedRound> predictedRoundsDetail) {
    public PredictionStats {
        predictedCandidates = predictedCandidates == null ? null : List.copyOf(predictedCandidates);
        predictedRoundsDetail = predictedRoundsDetail == null ? null : List.copyOf(predictedRoundsDetail);
    }
}
