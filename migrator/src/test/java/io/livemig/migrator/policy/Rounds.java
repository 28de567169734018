package io.livemig.migrator.policy;

/** Scripted round figures for policy tests: rates in MiB/s, times in ms. */
final class Rounds {
    static final int PAGE = 4096;
    static final long MIB = 1 << 20;

    private Rounds() {}

    /** A round of {@code durationMs} that sent at {@code sendMibPerSec} while the guest dirtied {@code dirtyMibPerSec}. */
    static RoundFigures round(int round, double sendMibPerSec, double dirtyMibPerSec, double capPct,
                              long durationMs, long elapsedMs, long downtimeLimitMs) {
        long bytesSent = (long) (sendMibPerSec * MIB * durationMs / 1000);
        long dirtyPages = (long) (dirtyMibPerSec * MIB * durationMs / 1000 / PAGE);
        return new RoundFigures(round, bytesSent / PAGE, bytesSent, durationMs * 1_000_000, dirtyPages, PAGE, capPct,
                downtimeLimitMs * 1_000_000, bytesSent * (round + 1), elapsedMs * 1_000_000);
    }
}
