package io.livemig.migrator.cli;

import io.livemig.migrator.migration.Cancellation;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT/SIGTERM on {@code livemig source}: a JVM shutdown hook cancels the migration (the guest
 * stays here, running and unthrottled, the destination discards its half) and holds the exit until
 * the command has written its figures (status {@code cancelled}), at most {@link #MAX_WAIT}.
 * A signal during the wait before the migration cancels it before it starts. The process then
 * exits with the signal's status (130, 143).
 */
final class SignalCancel implements AutoCloseable {
    static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final Cancellation cancellation = new Cancellation();
    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "source-signal-cancel");

    SignalCancel() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Cancellation cancellation() {
        return cancellation;
    }

    /** Waits {@code duration}, or less if a signal came. */
    void awaitOrCancelled(Duration duration) throws InterruptedException {
        signalled.await(Math.max(1, duration.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void onSignal() {
        if (finished.getCount() == 0) return;
        Cancellation.Answer answer = cancellation.cancel("the source process received a termination signal");
        signalled.countDown();
        System.err.println("livemig source: termination signal: " + (answer.accepted() ? "cancelling the migration" : answer.detail())
                + "; exiting once its figures are written");
        System.err.flush();
        try {
            if (!finished.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("livemig source: the migration did not end within " + MAX_WAIT.toSeconds() + " s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command's work is done (figures written): a signal from now on just exits. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs, sees the work done, and returns.
        }
    }
}
