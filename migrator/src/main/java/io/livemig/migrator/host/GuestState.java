package io.livemig.migrator.host;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a guest of a host stands. A guest is {@code arriving} while an incoming migration fills
 * it (its name and memory are reserved, it does not run yet), {@code running} here, or
 * {@code migrating} while an outgoing migration moves it (it still runs here until the handover),
 * or {@code stopping} while a stop request pauses, verifies and ends it.
 * A guest that left, or was stopped, is no longer listed.
 */
public enum GuestState {
    ARRIVING("arriving"),
    RUNNING("running"),
    MIGRATING("migrating"),
    STOPPING("stopping");

    private final String json;

    GuestState(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
