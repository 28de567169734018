package io.livemig.migrator.migration;

import io.livemig.migrator.transport.Connection;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code source --timeout}: a bound on the whole migration up to its point of no return. When it
 * passes first, the migration's connection is aborted with the reason, so whatever the source
 * waits on ends at once, and the source fails cleanly (the guest resumes here). The handover
 * disarms it just before COMMIT ({@link #disarmBeforeCommit}): after that a timeout could only
 * leave the source in doubt, so the migration is let finish. Firing and disarming race through one
 * compare-and-set: exactly one wins.
 */
final class MigrationDeadline implements AutoCloseable {
    private static final int ARMED = 0;
    private static final int FIRED = 1;
    private static final int DISARMED = 2;
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Duration timeout;
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private volatile Connection connection;
    private final ScheduledFuture<?> firing;
    private final Supplier<String> where;
    private volatile String reason;

    private MigrationDeadline(Duration timeout, Supplier<String> where) {
        this.timeout = timeout;
        this.where = where;
        this.firing = timeout == null ? null : TIMER.schedule(this::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (timeout == null) state.set(DISARMED);
    }

    /**
     * Starts counting now; {@code timeout} null means no bound.
     *
     * @param where says, when it fires, where the migration is (for the reason); called on the timer's thread
     */
    static MigrationDeadline start(Duration timeout, Supplier<String> where) {
        return new MigrationDeadline(timeout, where);
    }

    /**
     * The migration's connection, once connected: the deadline aborts it. Both this and the firing
     * write, then read, volatile state, so at least one of them sees the other and aborts it.
     */
    void attach(Connection c) {
        connection = c;
        if (fired()) c.abort(reason);
    }

    boolean fired() {
        return state.get() == FIRED;
    }

    /** The one-line reason the migration failed, once {@link #fired()}. */
    String reason() {
        return reason;
    }

    /** Called just before COMMIT is written: past this point the deadline no longer applies. */
    void disarmBeforeCommit() throws MigrationException {
        if (!state.compareAndSet(ARMED, DISARMED) && state.get() == FIRED) throw new MigrationException(reason);
    }

    private void fire() {
        reason = "timed out: the migration took longer than --timeout " + human(timeout) + " (during " + where.get()
                + "); abandoned, the guest keeps running on the source";
        if (!state.compareAndSet(ARMED, FIRED)) return;
        Connection c = connection;
        if (c != null) c.abort(reason);
    }

    @Override
    public void close() {
        if (firing != null) firing.cancel(false);
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "migration-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
