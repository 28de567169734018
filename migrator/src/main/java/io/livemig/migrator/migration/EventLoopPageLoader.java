package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageLoader;
import io.livemig.migrator.protocol.PageSink;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.EventLoopTap;

import java.util.function.Predicate;

/**
 * Loads a connection's page batches into guest memory on its event loop, as they are decoded (see
 * {@link Connection#tapOnEventLoop}); every other message goes on to the thread that receives, in
 * order, so a batch is loaded before a message sent after it (a round's end, the switch) is seen.
 * A batch handed to a loading thread instead cost a wake-up per batch, and one more busy thread on
 * the destination: on this 2-core host the stream moved 14 % less (1067 against 1247 MiB/s,
 * docs/performance.md, section 10a).
 *
 * <p>It stops at the message that ends its stream (the stop-and-copy's end, the switch to
 * post-copy): batches after that are another sink's. The owner {@link #detach}es it before it frees
 * the loader or the guest's memory.
 */
final class EventLoopPageLoader implements EventLoopTap {
    private final PageLoader loader;
    private final PageSink sink;
    private final Predicate<Message> endsStream;
    private final Runnable afterBatch;
    private volatile long pages;
    private volatile long bytes;
    private boolean ended;
    private volatile Connection connection;

    /**
     * @param endsStream the message after which this stream carries no batch for {@code sink}
     * @param afterBatch run on the event loop after each batch loaded (a progress mark); must not block
     */
    EventLoopPageLoader(PageLoader loader, PageSink sink, Predicate<Message> endsStream, Runnable afterBatch) {
        this.loader = loader;
        this.sink = sink;
        this.endsStream = endsStream;
        this.afterBatch = afterBatch;
    }

    /**
     * Loads {@code from}'s batches from now on (batches already queued there first). Attach it
     * before the peer may send a batch that another thread would otherwise receive, and to one
     * connection at a time: {@link #detach} first.
     */
    EventLoopPageLoader attach(Connection from) {
        connection = from;
        from.tapOnEventLoop(this);
        return this;
    }

    /** Loads no more: once this returns, nothing of it runs (the loader and the guest may be freed). */
    void detach() {
        Connection c = connection;
        if (c != null) c.untap();
    }

    @Override
    public boolean take(Message message) {
        if (ended) return false;
        if (message instanceof PageBatch batch) {
            // Counted before loading: the figures are of what arrived; a bad batch fails the connection.
            pages += batch.pageCount();
            bytes += batch.pageBytes();
            loader.load(batch, sink);
            afterBatch.run();
            return true;
        }
        if (endsStream.test(message)) ended = true;
        return false;
    }

    /** Pages of the batches taken so far (on every connection it was attached to). */
    long pages() { return pages; }

    /** Their page bytes (as {@link PageBatch#pageBytes}). */
    long bytes() { return bytes; }
}
