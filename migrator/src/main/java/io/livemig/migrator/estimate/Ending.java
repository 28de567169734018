package io.livemig.migrator.estimate;

/**
 * The last phase of a simulated migration: a stop-and-copy, or post-copy.
 *
 * @param durationNanos     from the end of pre-copy until the migration is over
 * @param bytes             bytes it sends
 * @param downtimeNanos     host downtime: the source's pause to the guest running on the destination
 * @param appDowntimeNanos  the gap the guest sees between its last operation and its next
 * @param workLostNanos     guest time lost in this phase (downtime included), at full speed
 */
public record Ending(double durationNanos, double bytes, double downtimeNanos, double appDowntimeNanos,
                     double workLostNanos) {}
