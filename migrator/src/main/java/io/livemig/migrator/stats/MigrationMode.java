package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a guest moves: {@code --mode}, and the {@code mode} of {@code --stats-json}. */
public enum MigrationMode {
    /** Pre-copy rounds, then stop-and-copy: the guest resumes on the destination whole. */
    PRECOPY,
    /** Pause, send the vCPU states, resume on the destination with no page; pages come by request or push. */
    POSTCOPY,
    /** Pre-copy rounds first, then post-copy for what is left, when the {@code PostcopySwitch} says so. */
    HYBRID;

    /** The word used on the command line and in the stats: precopy, postcopy, hybrid (a contract: never renamed). */
    @JsonValue
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean mayUsePostcopy() {
        return this != PRECOPY;
    }

    @Override
    public String toString() {
        return word();
    }
}
