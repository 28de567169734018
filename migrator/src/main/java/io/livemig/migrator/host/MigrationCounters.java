package io.livemig.migrator.host;

import io.livemig.migrator.stats.MigrationStats;

import java.util.concurrent.atomic.AtomicLong;

/** Outgoing migrations of a host since it started, by outcome, and the bytes they sent (for /metrics). */
final class MigrationCounters {
    final AtomicLong started = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong transferredBytes = new AtomicLong();
    final AtomicLong downtimeMicrosTotal = new AtomicLong();

    void started() {
        started.incrementAndGet();
    }

    /** @param stats null when the migration ended by an internal error */
    void ended(MigrationStats stats) {
        if (stats == null) {
            failed.incrementAndGet();
            return;
        }
        switch (stats.status()) {
            case COMPLETED -> {
                completed.incrementAndGet();
                downtimeMicrosTotal.addAndGet(Math.round(Math.max(0, stats.downtimeMs()) * 1000));
            }
            case CANCELLED -> cancelled.incrementAndGet();
            default -> failed.incrementAndGet();
        }
        transferredBytes.addAndGet(stats.transferredBytes());
    }
}
