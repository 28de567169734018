package io.livemig.migrator.migration;

/** How a guest moves: {@code --mode}. */
public enum MigrationMode {
    /** Pre-copy rounds, then stop-and-copy: the guest resumes on the destination whole. */
    PRECOPY,
    /** Pause, send the vCPU states, resume on the destination with no page; pages come by request or push. */
    POSTCOPY,
    /** Pre-copy rounds first, then post-copy for what is left, when the {@link PostcopySwitch} says so. */
    HYBRID;

    /** The word used on the command line and in the stats: precopy, postcopy, hybrid. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean mayUsePostcopy() {
        return this != PRECOPY;
    }
}
