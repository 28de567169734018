package io.livemig.migrator.host;

import com.fasterxml.jackson.annotation.JsonValue;
import io.livemig.migrator.stats.MigrationStatus;

/**
 * Where one guest of an evacuation stands: the {@code status} of its line in the report.
 * {@code waiting} for a free slot, {@code migrating} while its migration (or the offer to another
 * target) runs; then the {@link MigrationStatus} word of how its migration ended.
 */
enum MoveStatus {
    WAITING("waiting"),
    MIGRATING("migrating"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String json;

    MoveStatus(String json) {
        this.json = json;
    }

    /** The status of a move whose migration ended with {@code status}. */
    static MoveStatus of(MigrationStatus status) {
        return switch (status) {
            case COMPLETED -> COMPLETED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
        };
    }

    /** The word in the report (a contract: never renamed). */
    @JsonValue
    String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
