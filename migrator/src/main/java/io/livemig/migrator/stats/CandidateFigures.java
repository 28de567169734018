package io.livemig.migrator.stats;

/**
 * One candidate as the cost model predicted it before the migration ({@code predicted_candidates}
 * in {@code --stats-json}): what {@code --policy auto} chose among, so a choice can be checked
 * against the alternatives it passed over. The figures mean what the same keys of
 * {@code livemig estimate --stats-json} mean ({@code postcopy_after}: hybrid's own switch round, 0 =
 * the migration's {@code --postcopy-after}).
 */
public record CandidateFigures(String policy, String mode, int postcopyAfter, double totalTimeMs, double downtimeMs, double appDowntimeMs,
                               long transferredBytes, int rounds, double workLostS, double workLostPct, boolean limitMet,
                               StopReason endedBy) {}
