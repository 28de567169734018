package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why pre-copy stopped iterating: the {@code stop_reason} of {@code --stats-json}. */
public enum StopReason {
    /** The expected downtime fell under the limit, or nothing was left dirty. */
    CONVERGED("converged"),
    /** {@code --max-rounds} rounds were sent. */
    MAX_ROUNDS("max-rounds"),
    /** The volume limit was reached (a multiple of guest memory sent). */
    MAX_VOLUME("max-volume"),
    /** Pre-copy gave way to post-copy: hybrid's switch rule fired (or, in postcopy mode, there was no pre-copy). */
    POSTCOPY("postcopy");

    private final String json;

    StopReason(String json) {
        this.json = json;
    }

    /** The value in {@code --stats-json} (a contract: never renamed). */
    @JsonValue
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
