package io.livemig.migrator.migration;

import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.policy.StopBudget;
import io.livemig.migrator.stats.StopReason;

import java.util.Optional;

/**
 * When pre-copy stops iterating, decided after each round from its figures alone (no clock):
 * <ol>
 *   <li>{@code converged}: nothing is left dirty, or the expected downtime (remaining dirty bytes
 *   over the {@link LinkRateEstimate}) is within the downtime limit;</li>
 *   <li>{@code max-rounds}: {@code maxRounds} rounds were sent (round 0 included);</li>
 *   <li>{@code max-volume}: {@code maxVolumeFactor} times guest memory was sent (Xen: 3x).</li>
 * </ol>
 * The first that holds wins, in that order; otherwise another round follows.
 */
public final class StopRule {
    private final long downtimeLimitNanos;
    private final int maxRounds;
    private final double maxVolumeBytes;
    private final LinkRateEstimate link;
    private double expectedDowntimeNanos = Double.NaN;

    public StopRule(MigrationOptions options, long memoryBytes) {
        this.downtimeLimitNanos = options.downtimeLimit().toNanos();
        this.maxRounds = options.maxRounds();
        this.maxVolumeBytes = options.maxVolumeFactor() * memoryBytes;
        this.link = new LinkRateEstimate(options.bandwidthBytesPerS());
    }

    /** The limits a planning policy must reach its target within. */
    public StopBudget budget() {
        return new StopBudget(maxRounds, maxVolumeBytes);
    }

    /** The stop-and-copy the last round leaves: its dirty bytes over the link estimate (NaN before round 0 ends). */
    public double expectedDowntimeNanos() {
        return expectedDowntimeNanos;
    }

    /** Called once per round, in order: a reason to stop now, or empty to send another round. */
    public Optional<StopReason> afterRound(RoundFigures round) {
        expectedDowntimeNanos = round.remainingDirtyBytes() * 1e9 / link.afterRound(round);
        if (round.dirtyPages() == 0 || expectedDowntimeNanos <= downtimeLimitNanos) return Optional.of(StopReason.CONVERGED);
        if (round.round() + 1 >= maxRounds) return Optional.of(StopReason.MAX_ROUNDS);
        if (round.totalBytesSent() >= maxVolumeBytes) return Optional.of(StopReason.MAX_VOLUME);
        return Optional.empty();
    }
}
