package io.livemig.migrator.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Bounds what unadmitted connections can hold on a listener: each gets a deadline for its whole
 * handshake, and only {@link AdmissionOptions#maxPending()} wait at once. When one more arrives,
 * an old one makes room (the oldest that has not yet delivered a complete message: a silent or
 * trickling peer, rather than a real one mid-handshake), so a flood of idle connections cannot
 * lock out a real peer, and threads and descriptors stay bounded.
 */
final class AdmissionGate {
    private final AdmissionOptions options;
    private final RateLimitedLog closedLog;
    private final Map<Connection, ScheduledFuture<?>> pending = new LinkedHashMap<>();

    AdmissionGate(AdmissionOptions options) {
        this.options = options;
        this.closedLog = new RateLimitedLog(options.log(), 1_000_000_000L);
    }

    /** A connection was accepted: it waits for admission, under a deadline. */
    void arrived(Channel channel, Connection connection) {
        Connection evicted = null;
        synchronized (this) {
            if (pending.size() >= options.maxPending()) evicted = victim();
            ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> expire(connection),
                    options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            pending.put(connection, deadline);
        }
        channel.closeFuture().addListener(f -> leave(connection));
        if (evicted != null) {
            evicted.closeByGate("closed: " + options.maxPending() + " connections were already waiting to authenticate");
            closedLog.log(n -> n + " unauthenticated connection(s) closed: more than " + options.maxPending()
                    + " waiting at once (--max-pending)");
        }
    }

    /** The layer above admitted it: no deadline, no longer counted. */
    void admitted(Connection connection) {
        leave(connection);
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    private void expire(Connection connection) {
        synchronized (this) {
            if (!pending.containsKey(connection)) return;
        }
        connection.closeByGate("no complete handshake within " + options.handshakeTimeout().toMillis() + " ms");
        closedLog.log(n -> n + " connection(s) closed: no complete handshake within "
                + options.handshakeTimeout().toMillis() + " ms (--handshake-timeout)");
    }

    private synchronized void leave(Connection connection) {
        ScheduledFuture<?> deadline = pending.remove(connection);
        if (deadline != null) deadline.cancel(false);
    }

    /** The oldest pending connection that has not delivered a message, else the oldest; removed from the set. */
    private Connection victim() {
        Connection chosen = null;
        for (Connection c : pending.keySet()) {
            if (c.messagesReceived() == 0) {
                chosen = c;
                break;
            }
        }
        if (chosen == null) {
            Iterator<Connection> oldest = pending.keySet().iterator();
            chosen = oldest.next();
        }
        pending.remove(chosen).cancel(false);
        return chosen;
    }
}
