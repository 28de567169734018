package io.livemig.migrator.cli;

import io.livemig.migrator.stats.MigrationMode;

/** {@code source --mode}: how the guest moves, spelled as users type it. */
enum ModeChoice implements Spelled {
    PRECOPY(MigrationMode.PRECOPY),
    POSTCOPY(MigrationMode.POSTCOPY),
    HYBRID(MigrationMode.HYBRID);

    private final MigrationMode mode;

    ModeChoice(MigrationMode mode) {
        this.mode = mode;
    }

    MigrationMode mode() {
        return mode;
    }

    @Override
    public String spelling() {
        return mode.word();
    }

    @Override
    public String toString() {
        return spelling();
    }

    static final class Converter extends Spelled.Converter<ModeChoice> {
        Converter() { super(ModeChoice.class); }
    }

    static final class Choices extends Spelled.Choices<ModeChoice> {
        Choices() { super(ModeChoice.class); }
    }
}
