package io.livemig.migrator.host;

import com.fasterxml.jackson.annotation.JsonValue;
import io.livemig.migrator.stats.MigrationStatus;

/**
 * Where an outgoing migration of a host stands: the {@code status} (and, once ended, the
 * {@code phase}) of its view in the control API. {@code active} while it runs; once it ended, the
 * {@link MigrationStatus} word of its stats ({@code failed} also when it ended with an error and no
 * stats).
 */
public enum OutgoingStatus {
    ACTIVE("active"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String json;

    OutgoingStatus(String json) {
        this.json = json;
    }

    /** The status of a migration that ended with {@code status}. */
    public static OutgoingStatus of(MigrationStatus status) {
        return switch (status) {
            case COMPLETED -> COMPLETED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
        };
    }

    /** The word in the control API's JSON (a contract: never renamed). */
    @JsonValue
    public String json() {
        return json;
    }

    /** Whether {@code word}, as read from the control API's JSON, is this status. */
    public boolean is(String word) {
        return json.equals(word);
    }

    @Override
    public String toString() {
        return json;
    }
}
