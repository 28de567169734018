package io.livemig.migrator.postcopy;

import io.livemig.emulator.MissingPages;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.transport.Connection;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The destination's requester thread: takes the pages vCPUs faulted on from the
 * {@link PageRequestQueue} and sends a {@link PageRequest} for each on the request connection.
 * Without a working connection (the link broke) requests are not lost: the pages stay
 * {@code REQUESTED} in {@link MissingPages}, and {@link #attach} asks for all of them again on the
 * new connection, before any newer request.
 */
public final class PageRequestSender implements Runnable {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PageRequestQueue queue;
    private final MissingPages missing;
    private final Consumer<Throwable> onLinkFailure;
    private Connection connection; // guarded by this
    private boolean reaskAll;      // guarded by this
    private int attachments;       // guarded by this
    private volatile boolean stopped;
    private long sent;

    /** @param onLinkFailure told (on this thread) when sending on the request connection fails */
    public PageRequestSender(PageRequestQueue queue, MissingPages missing, Consumer<Throwable> onLinkFailure) {
        this.queue = queue;
        this.missing = missing;
        this.onLinkFailure = onLinkFailure;
    }

    /**
     * A request connection. The first one only carries what vCPUs ask from now on (every request so
     * far is still in the queue); on a later one, after a broken link, every page still requested is
     * asked for again first, since requests sent on the broken one may be lost.
     */
    public synchronized void attach(Connection requests) {
        this.reaskAll = attachments++ > 0;
        this.connection = requests;
    }

    /** The connection broke: hold requests until the next {@link #attach}. */
    public synchronized void detach() {
        this.connection = null;
    }

    @Override
    public void run() {
        try {
            while (!stopped && !missing.isComplete()) {
                reaskIfAttached();
                long page = queue.take(POLL_NANOS);
                if (page < 0) continue;
                Connection c = current();
                if (c == null || missing.isPresent(page)) continue; // re-asked on attach, or no longer needed
                send(c, page);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stop() {
        stopped = true;
    }

    /** Requests sent so far (re-asks after a reconnect included). */
    public synchronized long sent() { return sent; }

    private void reaskIfAttached() {
        Connection c;
        synchronized (this) {
            if (!reaskAll || connection == null) return;
            reaskAll = false;
            c = connection;
        }
        long pageCount = missing.pageCount();
        for (long page = 0; page < pageCount; page++) {
            if (missing.isRequested(page) && !send(c, page)) return;
        }
    }

    private synchronized Connection current() {
        return connection;
    }

    private boolean send(Connection c, long page) {
        try {
            c.send(new PageRequest(page));
            synchronized (this) {
                sent++;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            synchronized (this) {
                if (connection == c) connection = null;
            }
            onLinkFailure.accept(e);
            return false;
        }
    }
}
