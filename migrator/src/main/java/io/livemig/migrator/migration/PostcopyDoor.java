package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.transport.Connection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Where the extra connections of one incoming migration arrive: its request connection
 * ({@code PostcopyAttach}) and, after a broken link, the source's new main connection
 * ({@code PostcopyResume}). The acceptor hands them in; the migration's own thread takes them.
 *
 * <p>It also settles what a returning source asks, by the migration's state:
 * <ul>
 *   <li>{@code OPEN} (not switched yet, e.g. the link broke just before the switch was read) and
 *   {@code SWITCHED}: the source waits here until the migration takes it;</li>
 *   <li>{@code NEVER_SWITCHED}: {@code Outcome(false)}, final: the guest never ran here and never
 *   will, so the source may resume its copy;</li>
 *   <li>{@code COMPLETED}: the {@code PostcopyComplete} again (the first one was lost with the link);</li>
 *   <li>{@code LOST}: an {@code Abort} naming why this destination gave the guest up.</li>
 * </ul>
 */
final class PostcopyDoor {
    private enum State { OPEN, SWITCHED, NEVER_SWITCHED, COMPLETED, LOST }

    private final Duration answerTimeout;
    private State state = State.OPEN;
    private Message finalAnswer;
    private Connection requests;
    private final ArrayDeque<Connection> resumes = new ArrayDeque<>();
    private Runnable onRequests = () -> { };

    PostcopyDoor(Duration answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    /** A request connection arrived; replaces (and closes) an earlier one not yet taken. */
    synchronized void deliverRequests(Connection connection) {
        if (isOver()) {
            connection.close();
            return;
        }
        if (requests != null) requests.close();
        requests = connection;
        notifyAll();
        onRequests.run();
    }

    /** A source came back for this migration. */
    void deliverResume(Connection connection) {
        Message answer;
        synchronized (this) {
            if (!isOver()) {
                resumes.add(connection);
                notifyAll();
                return;
            }
            answer = finalAnswer;
        }
        answerAndClose(connection, answer);
    }

    /** The migration switched to post-copy; {@code onRequests} hears of each request connection that arrives from now on. */
    synchronized void switched(Runnable onRequests) {
        if (state == State.OPEN) state = State.SWITCHED;
        this.onRequests = onRequests;
    }

    /** The request connection, if one arrived and was not taken yet; null otherwise. */
    synchronized Connection takeRequests() {
        Connection c = requests;
        requests = null;
        return c;
    }

    /** Waits for a returning source's connection; null if none came by {@code deadlineNanos}. */
    synchronized Connection awaitResume(long deadlineNanos) throws InterruptedException {
        while (resumes.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || isOver()) return null;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return resumes.poll();
    }

    /** Ended before the switch: the guest never runs here. */
    void neverSwitched() {
        end(State.NEVER_SWITCHED, new Outcome(false));
    }

    /** Post-copy completed; a source that missed the confirmation gets it again. */
    void completed(PostcopyComplete confirmation) {
        end(State.COMPLETED, confirmation);
    }

    /** This destination gave the guest up after the switch (the source did not come back in time, a digest mismatch). */
    void lost(String reason) {
        end(State.LOST, Abort.because(reason));
    }

    /** Ends the door as the migration ended, unless it already was: {@code neverSwitched} before the switch, else lost. */
    void endIfOpen(String reason) {
        boolean switched;
        synchronized (this) {
            if (isOver()) return;
            switched = state == State.SWITCHED;
        }
        if (switched) lost(reason);
        else neverSwitched();
    }

    private void end(State ending, Message answer) {
        Connection pendingRequests;
        ArrayDeque<Connection> pendingResumes;
        synchronized (this) {
            if (isOver()) return;
            state = ending;
            finalAnswer = answer;
            pendingRequests = requests;
            requests = null;
            pendingResumes = new ArrayDeque<>(resumes);
            resumes.clear();
            notifyAll();
        }
        if (pendingRequests != null) pendingRequests.close();
        for (Connection c : pendingResumes) answerAndClose(c, answer);
    }

    private boolean isOver() {
        return state == State.NEVER_SWITCHED || state == State.COMPLETED || state == State.LOST;
    }

    private void answerAndClose(Connection connection, Message answer) {
        try (connection) {
            connection.send(answer).await(answerTimeout.toMillis());
        } catch (Exception e) {
            // the source left: it learns the same on its next try
        }
    }
}
