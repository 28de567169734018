package io.livemig.migrator.postcopy;

import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageFaultHandler;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.transport.Connection;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The destination's fault handler: a vCPU that faults on a page sends the {@link PageRequest}
 * itself, on the request connection, without waiting for the network (one thread hand-off fewer
 * than a requester thread; Netty writes it from its event loop). Without a working connection (the
 * link broke) nothing is sent and nothing is lost: the page stays {@code REQUESTED} in
 * {@link MissingPages}, and {@link #attach} asks for every such page again on the new connection.
 */
public final class PageRequester implements PageFaultHandler {
    private volatile Connection connection;
    private volatile MissingPages missing;
    /** For a requester whose failures nobody hears yet: linked with the class, not in the switch-over pause. */
    public static final Consumer<Throwable> NOBODY = e -> { };

    private volatile Consumer<Throwable> onLinkFailure = NOBODY;
    private final AtomicLong sent = new AtomicLong();

    /** The missing pages this handler serves, and who hears of a failed send (the link broke). */
    public void bind(MissingPages missing, Consumer<Throwable> onLinkFailure) {
        this.missing = missing;
        this.onLinkFailure = onLinkFailure;
    }

    /** On a vCPU's thread: never blocks, never throws. */
    @Override
    public void requestPage(long page) {
        Connection c = connection;
        if (c != null) send(c, page);
    }

    /**
     * A request connection (the first, or a new one after a broken link): every page still
     * requested is asked for on it, since requests made before it, or sent on a broken one, may
     * never have reached the source. A page asked for twice is answered twice; the second copy is
     * dropped.
     */
    public void attach(Connection requests) {
        connection = requests;
        MissingPages pages = missing;
        if (pages == null || !pages.anyRequested()) return; // the first attach, before the guest runs: nothing to re-ask
        long pageCount = pages.pageCount();
        for (long page = 0; page < pageCount && connection == requests; page++) {
            if (pages.isRequested(page)) send(requests, page);
        }
    }

    /** The link broke: send nothing until the next {@link #attach}. */
    public void detach() {
        connection = null;
    }

    /** Requests sent so far (re-asks included). */
    public long sent() { return sent.get(); }

    private void send(Connection c, long page) {
        try {
            c.sendNow(new PageRequest(page));
            sent.incrementAndGet();
        } catch (Exception e) {
            if (connection == c) connection = null;
            onLinkFailure.accept(e);
        }
    }
}
