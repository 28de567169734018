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
 * lock out a real peer, and threads and descriptors stay bounded. Every listener the project opens
 * has one: the migration port's ({@link Transport#listen}), a host's control API.
 */
public final class AdmissionGate {
    /** A connection as the gate sees it. */
    public interface Waiting {
        Channel channel();

        /** Whether it delivered a complete message yet (then it is spared while silent ones remain). */
        boolean delivered();

        /** Closes it, with the reason for whoever waits on it. */
        void close(String reason);
    }

    private final AdmissionOptions options;
    private final RateLimitedLog evictedLog;
    private final RateLimitedLog expiredLog;
    private final Map<Waiting, ScheduledFuture<?>> pending = new LinkedHashMap<>();

    public AdmissionGate(AdmissionOptions options) {
        this.options = options;
        this.evictedLog = new RateLimitedLog(options.log(), 1_000_000_000L);
        this.expiredLog = new RateLimitedLog(options.log(), 1_000_000_000L);
    }

    /** A connection was accepted: it waits for admission, under a deadline. */
    public void arrived(Waiting waiting) {
        Waiting evicted = null;
        Channel channel = waiting.channel();
        synchronized (this) {
            if (pending.size() >= options.maxPending()) evicted = victim();
            ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> expire(waiting),
                    options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            pending.put(waiting, deadline);
        }
        channel.closeFuture().addListener(f -> leave(waiting));
        if (evicted != null) {
            evicted.close("closed: " + options.maxPending() + " connections were already waiting to authenticate");
            evictedLog.log(n -> n + " unauthenticated connection(s) closed: more than " + options.maxPending()
                    + " waiting at once (--max-pending)");
        }
    }

    /** The layer above admitted it: no deadline, no longer counted. */
    public void admitted(Waiting waiting) {
        leave(waiting);
    }

    public synchronized int pendingCount() {
        return pending.size();
    }

    private void expire(Waiting waiting) {
        synchronized (this) {
            if (!pending.containsKey(waiting)) return;
        }
        waiting.close("no complete handshake within " + options.handshakeTimeout().toMillis() + " ms");
        expiredLog.log(n -> n + " connection(s) closed: no complete handshake within "
                + options.handshakeTimeout().toMillis() + " ms (--handshake-timeout)");
    }

    private synchronized void leave(Waiting waiting) {
        ScheduledFuture<?> deadline = pending.remove(waiting);
        if (deadline != null) deadline.cancel(false);
    }

    /** The oldest pending connection that has not delivered a message, else the oldest; removed from the set. */
    private Waiting victim() {
        Waiting chosen = null;
        for (Waiting w : pending.keySet()) {
            if (!w.delivered()) {
                chosen = w;
                break;
            }
        }
        if (chosen == null) {
            Iterator<Waiting> oldest = pending.keySet().iterator();
            chosen = oldest.next();
        }
        pending.remove(chosen).cancel(false);
        return chosen;
    }
}
