package io.livemig.migrator.stats;

/**
 * One pre-copy round as the cost model played it out, with the keys of the measured
 * {@code rounds_detail}: {@code rounds_detail} of each candidate of {@code livemig estimate
 * --stats-json}, and {@code predicted_rounds_detail} in a migration's stats, so each round can be
 * set beside the one that ran. On a link no limit holds, the rounds of the course whose total time
 * was the median.
 *
 * @param round        0 for the first (full) round
 * @param pages        pages it sends
 * @param durationMs   how long it takes, its round trip included
 * @param dirtyPages   pages the guest dirties meanwhile
 * @param throttlePct  the deepest CPU throttle in force (100 - the lowest cap)
 */
public record PredictedRound(int round, long pages, double durationMs, long dirtyPages, double throttlePct) {}
