package io.livemig.migrator.cli;

import io.livemig.migrator.migration.MigrationDestination;

/** {@code dest --crash-at}: the point of an incoming migration where fault injection halts the process. */
enum CrashPoint implements Spelled {
    /** The handshake passed. */
    HANDSHAKE("handshake", MigrationDestination.Phase.HANDSHAKE_DONE),
    /** The first page batch was loaded. */
    PAGES("pages", MigrationDestination.Phase.FIRST_PAGES_LOADED),
    /** Everything of the stop-and-copy was received. */
    STOP_AND_COPY("stop-and-copy", MigrationDestination.Phase.STOP_AND_COPY_RECEIVED),
    /** READY was sent; COMMIT not yet read. */
    READY("ready", MigrationDestination.Phase.READY_SENT),
    /** The guest just started here by post-copy (its pages still to come). */
    POSTCOPY("postcopy", MigrationDestination.Phase.POSTCOPY_STARTED);

    private final String spelling;
    private final MigrationDestination.Phase phase;

    CrashPoint(String spelling, MigrationDestination.Phase phase) {
        this.spelling = spelling;
        this.phase = phase;
    }

    MigrationDestination.Phase phase() {
        return phase;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    @Override
    public String toString() {
        return spelling;
    }

    static final class Converter extends Spelled.Converter<CrashPoint> {
        Converter() { super(CrashPoint.class); }
    }

    static final class Choices extends Spelled.Choices<CrashPoint> {
        Choices() { super(CrashPoint.class); }
    }
}
