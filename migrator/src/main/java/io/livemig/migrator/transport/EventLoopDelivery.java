package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.Message;

/**
 * Who takes a connection's messages on its event loop, before they are queued for
 * {@link Connection#receive}: nobody, a tap (which takes what it wants), or a reader (a tap that
 * takes every message, and hears of the connection's failure once). Its fields are set and read
 * on the event loop only.
 */
final class EventLoopDelivery {
    private final Connection connection;
    private EventLoopTap tap;
    private EventLoopReader reader;
    private boolean readerToldOfFailure;

    EventLoopDelivery(Connection connection) {
        this.connection = connection;
    }

    /** Whether the tap, if any, took {@code message}; a tap's failure fails the connection through the pipeline. */
    boolean taken(Message message) {
        EventLoopTap t = tap;
        if (t == null) return false;
        try {
            return t.take(message);
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The connection failed: its reader, if any, hears of it once. */
    void failed(Throwable cause) {
        if (reader == null || readerToldOfFailure) return;
        readerToldOfFailure = true;
        reader.failed(cause);
    }

    /** To run on the event loop: {@code newTap} takes over. */
    Runnable tapping(EventLoopTap newTap) {
        return new HandOver(newTap, null);
    }

    /** To run on the event loop: nothing is offered the messages any more. */
    Runnable untapping() {
        return new HandOver(null, null);
    }

    /** To run on the event loop: {@code newReader} takes every message from then on. */
    Runnable reading(EventLoopReader newReader) {
        return new HandOver(new ReaderTap(newReader), newReader);
    }

    /** A reader is a tap that takes every message. */
    private record ReaderTap(EventLoopReader reader) implements EventLoopTap {
        @Override
        public boolean take(Message message) throws Exception {
            reader.message(message);
            return true;
        }
    }

    /**
     * Installs (or removes) a tap, which takes what it wants of the queue first, in order. A class,
     * not a lambda: post-copy's destination hands its request connection over right after the
     * switch-over pause, where the first run of a lambda's call site (its linkage) cost milliseconds.
     */
    private final class HandOver implements Runnable {
        private final EventLoopTap newTap;
        private final EventLoopReader newReader;

        HandOver(EventLoopTap newTap, EventLoopReader newReader) {
            this.newTap = newTap;
            this.newReader = newReader;
        }

        @Override
        public void run() {
            tap = newTap;
            if (newReader != null) reader = newReader;
            if (newTap == null) return;
            Throwable error = connection.offerQueued(newTap);
            if (error != null) failed(error);
        }
    }
}
