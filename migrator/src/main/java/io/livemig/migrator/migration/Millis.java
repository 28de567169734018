package io.livemig.migrator.migration;

/** Nanoseconds to milliseconds as the stats report them: rounded to the microsecond. */
final class Millis {
    private Millis() {}

    static double of(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
