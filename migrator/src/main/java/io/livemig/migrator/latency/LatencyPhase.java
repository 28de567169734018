package io.livemig.migrator.latency;

/**
 * The spans of a migration the guest's operation latencies are reported for: before (the baseline
 * window, on the source), during (from the start of the migration until the guest runs on the
 * destination: pre-copy, the pause, post-copy when present), after (its first moments on the
 * destination).
 */
public enum LatencyPhase {
    BEFORE, DURING, AFTER;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
