package io.livemig.migrator.migration;

/**
 * Cancels one migration from another thread (a control API, a signal handler), until the source
 * commits. One {@link #cancel} and the source's {@link #commit} race through one lock: exactly one
 * of them wins. A won cancel interrupts the migrating thread, so every wait (a reply, a full
 * socket, the connect) ends at once, and the source checks {@link #check} between page batches
 * and rounds; the migration then sends {@code Abort}, lifts the caps, resumes the guest and
 * reports status {@code cancelled}. Once COMMIT is on its way the guest belongs to the
 * destination and a cancel is refused with the reason.
 *
 * <p>A token may be cancelled before its migration starts; that migration then ends at once.
 */
public final class Cancellation {
    /** What a {@link #cancel} request got: accepted, or refused with the reason. */
    public record Answer(boolean accepted, String detail) {}

    private enum State { OPEN, CANCELLED, COMMITTED, ENDED }

    /** Thrown at a check point of a cancelled migration; caught by {@link MigrationSource}. */
    static final class Cancelled extends RuntimeException {
        Cancelled(String reason) {
            super(reason, null, false, false);
        }
    }

    private State state = State.OPEN;
    private String reason;
    private Thread migrating;
    private Runnable onCancel;

    /**
     * Asks the migration to stop and give the guest back to the source.
     *
     * @param why said in the migration's {@code error} ("cancelled: why")
     */
    public synchronized Answer cancel(String why) {
        switch (state) {
            case OPEN -> {
                state = State.CANCELLED;
                reason = why;
                if (migrating != null) migrating.interrupt();
                if (onCancel != null) onCancel.run();
                return new Answer(true, "cancelled: " + why);
            }
            case CANCELLED -> {
                return new Answer(true, "already cancelled: " + reason);
            }
            case COMMITTED -> {
                return new Answer(false, "refused: COMMIT is on its way to the destination, the guest belongs to it now");
            }
            default -> {
                return new Answer(false, "refused: the migration has already ended");
            }
        }
    }

    public synchronized boolean isCancelled() {
        return state == State.CANCELLED;
    }

    /** The reason given to {@link #cancel}, or null. */
    public synchronized String reason() {
        return reason;
    }

    /**
     * The migration runs on the calling thread from now on: a cancel interrupts it, and runs
     * {@code onCancel} at once on the cancelling thread (lifting the caps need not wait for the
     * migrating thread to notice).
     */
    synchronized void bind(Runnable onCancel) {
        migrating = Thread.currentThread();
        this.onCancel = onCancel;
    }

    /**
     * The migration ended (however): no interrupt comes after this, and one that a cancel sent
     * is cleared, so it cannot leak into the caller's next wait.
     */
    synchronized void unbind() {
        if (migrating == Thread.currentThread()) {
            migrating = null;
            onCancel = null;
            if (state == State.CANCELLED) Thread.interrupted();
        }
        if (state != State.CANCELLED) state = State.ENDED;
    }

    /** A check point: throws when cancelled. */
    void check() {
        if (isCancelled()) throw new Cancelled(reason());
    }

    /** The source is about to write COMMIT: from now on cancels are refused. Throws when a cancel came first. */
    synchronized void commit() {
        if (state == State.CANCELLED) throw new Cancelled(reason);
        state = State.COMMITTED;
    }
}
