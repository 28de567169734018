package io.livemig.migrator.host;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an evacuation stands: the {@code status} of its report. {@code active} while guests are
 * still moving; once every move ended, {@code completed} when every guest moved, else
 * {@code incomplete}.
 */
public enum EvacuationStatus {
    ACTIVE("active"),
    COMPLETED("completed"),
    INCOMPLETE("incomplete");

    private final String json;

    EvacuationStatus(String json) {
        this.json = json;
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
