package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a migration ended: the {@code status} of {@code --stats-json}, written as the lower-case word. */
public enum MigrationStatus {
    /** The guest runs on the destination. */
    COMPLETED("completed"),
    /**
     * The migration failed, {@code error} says why: the guest did not leave (or, in doubt, stays
     * paused here), or, after a post-copy switch, it is lost; on a destination, the guest was
     * stopped on a digest mismatch or lost.
     */
    FAILED("failed"),
    /** Stopped on request before the handover. */
    CANCELLED("cancelled");

    private final String json;

    MigrationStatus(String json) {
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
