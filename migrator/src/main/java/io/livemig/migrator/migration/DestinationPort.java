package io.livemig.migrator.migration;

import io.livemig.migrator.transport.AdmissionException;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.Listener;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The migration port of a {@code livemig dest}: every accepted connection gets its own worker,
 * which runs the handshake and then whatever the connection is for: an incoming migration (its
 * offer takes the destination's {@link HostingSlot}, or is refused as busy), an outcome query, a
 * link probe, or a post-copy connection handed to its migration. Guests that arrive (or are lost
 * in post-copy) are handed to {@link #next()}. Connections never wait behind one another, so a
 * silent peer delays nobody. A worker lives as long as its connection's work, and connections are
 * bounded: those not yet admitted by the listener's gate ({@code --max-pending}), admitted ones by
 * the slot (one migration, with its post-copy connections). So threads stay bounded whatever
 * connects.
 */
public final class DestinationPort implements AutoCloseable {
    /** A guest that arrived and runs here, or (post-copy) one lost with {@code lost} as the reason. */
    public record Arrival(MigrationDestination.Incoming incoming, String peer, GuestLostException lost) {}

    private final Listener listener;
    private final MigrationDestination destination;
    private final String vmName;
    private final Consumer<String> log;
    private final ExecutorService workers;
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param log one line per failed incoming migration (not for probes, busy refusals, or
     *            connections the listener's gate closed: the gate reports those) and per answered
     *            outcome query or link probe; arrivals are the caller's to tell
     */
    public DestinationPort(Listener listener, MigrationDestination destination, String vmName, Consumer<String> log) {
        this.listener = listener;
        this.destination = destination;
        this.vmName = vmName;
        this.log = log;
        // No idle workers kept: a burst of connections the gate evicts must not leave a thread each behind.
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 0, TimeUnit.NANOSECONDS, new SynchronousQueue<>(), runnable -> {
            Thread t = new Thread(runnable, "dest-incoming");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "dest-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Waits for the next guest to arrive (or be lost in post-copy). */
    public Arrival next() throws InterruptedException {
        return arrivals.take();
    }

    /** Waits up to {@code timeout} for the next arrival; null if none came. */
    public Arrival next(Duration timeout) throws InterruptedException {
        return arrivals.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void acceptLoop() {
        while (!closed) {
            Connection connection;
            try {
                connection = listener.accept(Duration.ofHours(24));
            } catch (TimeoutException e) {
                continue;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                return; // listener closed
            }
            try {
                workers.execute(() -> serve(connection));
            } catch (RuntimeException e) {
                connection.close(); // shutting down
            }
        }
    }

    private void serve(Connection connection) {
        String peer = String.valueOf(connection.remoteAddress());
        boolean handedOver = false;
        try {
            MigrationDestination.Incoming incoming = destination.receiveOrRoute(connection, vmName);
            if (incoming == null) {
                handedOver = true; // a post-copy connection, now its migration's
                return;
            }
            arrivals.add(new Arrival(incoming, peer, null));
        } catch (GuestLostException e) {
            log.accept("post-copy from " + peer + " failed: " + e.getMessage());
            arrivals.add(new Arrival(null, peer, e));
        } catch (MigrationDestination.OutcomeAnswered | MigrationDestination.ProbeAnswered e) {
            log.accept(e.getMessage());
        } catch (MigrationException e) {
            if (!quiet(e)) log.accept("incoming migration from " + peer + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.accept("incoming migration from " + peer + " failed: " + Errors.describe(e));
        } finally {
            if (!handedOver) connection.close();
        }
    }

    /** Port probes, busy refusals and connections the gate closed are not worth a line each. */
    private static boolean quiet(MigrationException e) {
        if (e instanceof SilentPeerException || String.valueOf(e.getMessage()).endsWith(HostingSlot.BUSY)) return true;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof AdmissionException) return true;
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        acceptor.interrupt();
        workers.shutdownNow();
    }
}
