package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.FaultFigures;
import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.postcopy.PageRequester;
import io.livemig.migrator.postcopy.PostcopySink;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageLoader;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.protocol.PostcopyPushDone;
import io.livemig.migrator.protocol.PostcopyResumeAck;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.EventLoopReader;
import io.netty.util.ReferenceCountUtil;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The destination after the switch: the guest runs here while its missing pages arrive, pushed on
 * the main connection and answered on the request connection (loaded on its event loop); vCPUs that
 * fault send their requests themselves ({@link PageRequester}). It ends when the source said every page was
 * sent and the last one is in: the digest of the pages as they landed must equal the source's at
 * the pause, and {@code PostcopyComplete} tells the source it may free its memory.
 *
 * <p>A broken link (either connection) pauses it: both connections are closed, the guest keeps
 * running (vCPUs that touch a missing page wait), and the source has the recover timeout to come
 * back with {@code PostcopyResume} on a new connection, answered with the pages still lacking. If
 * it does not, or it aborts, or the memory does not verify, the guest is lost here: it is stopped
 * and a {@link GuestLostException} says why.
 */
final class DestinationPostcopy {
    /** What post-copy cost and delivered here. */
    record Result(FaultFigures faults, long pagesLoaded, long pagesDropped, long bytesReceived, long recoveries,
                  long postcopyNanos, boolean digestVerified) {}

    /** Grace beyond the source's recover timeout (its last attempt may start just before its deadline): as long again, at most 2 s. */
    private static final Duration MAX_RECOVER_GRACE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(50);

    private final DestinationOptions options;
    private final PostcopyDoor door;
    private final VirtualMachine vm;
    private final MissingPages missing;
    private final PageDigests digests;
    private final PostcopySink sink;
    /** The push's loader, kept for the whole phase: a compressed push reuses its codec's context. */
    private final PageLoader pushLoader = new PageLoader();
    private final PageRequester requester;
    private final Duration recoverTimeout;
    /** Page bytes of the answers (the push counts its own). */
    private final AtomicLong answeredBytes = new AtomicLong();
    private final long startNanos = System.nanoTime();

    private Connection main;
    private volatile Connection requests;
    private volatile Throwable linkFailure;
    private volatile boolean finished;
    private boolean pushDone;
    private long sourceDigest;
    /** The push on the main connection, loaded on its event loop (made once the guest runs: not in the switch's pause). */
    private EventLoopPageLoader push;
    /** Set by the receiving thread and, after each pushed batch, by the event loop. */
    private volatile long lastMessageNanos = System.nanoTime();
    private long recoveries;

    DestinationPostcopy(DestinationOptions options, Connection main, PostcopyDoor door, VirtualMachine vm, MissingPages missing,
                        PageRequester requester, PageDigests digests, Duration recoverTimeout) {
        this.options = options;
        this.main = main;
        this.door = door;
        this.vm = vm;
        this.missing = missing;
        this.digests = digests;
        this.recoverTimeout = recoverTimeout;
        this.sink = new PostcopySink(missing, vm.memory().pageSize(), vm.memory().pageCount());
        this.requester = requester;
        requester.bind(missing, new LinkBreakHandler());
    }

    /**
     * Starts the guest here; returns the instant its vCPUs were released, by this destination's
     * clock. In that order: its requests can go out first (or its first faults would wait); the
     * clock is read as the vCPUs are released (a woken vCPU may take this core before a later read,
     * while the guest already runs); its answers are read once it runs (handing the request
     * connection to its event loop wakes that loop, which could take the core of the switch-over
     * pause; answers that came first wait there, in order).
     */
    long startGuest() {
        door.switched(new RequestConnectionTaker());
        Connection taken = takeRequestConnection();
        long releasedAtNanos = options.clock().monotonicNanos();
        vm.start();
        if (taken != null) readAnswers(taken);
        return releasedAtNanos;
    }

    // The two below are classes, not lambdas: they are made in the switch-over pause, where the
    // first run of a lambda's call site (its linkage, a class spun for it) cost milliseconds, and a
    // class can be loaded ahead by PostcopyWarmUp.

    /** The request link broke: the post-copy phase pauses and waits for the source to come back. */
    final class LinkBreakHandler implements Consumer<Throwable> {
        @Override
        public void accept(Throwable cause) {
            linkBroken(cause);
        }
    }

    /** A source back after a broken link brought a new request connection. */
    final class RequestConnectionTaker implements Runnable {
        @Override
        public void run() {
            Connection taken = takeRequestConnection();
            if (taken != null) readAnswers(taken);
        }
    }

    /** Runs until every page is in and verified; the guest keeps running here afterwards. */
    Result run() throws MigrationException, InterruptedException {
        push = new EventLoopPageLoader(pushLoader, sink, message -> false, this::pushed).attach(main);
        try {
            while (true) {
                if (linkFailure != null) recover();
                if (pushDone && missing.isComplete()) return complete();
                step();
            }
        } catch (GuestLostException e) {
            giveUp(e.getMessage());
            throw e;
        } finally {
            finished = true;
            requester.detach();
            Connection r = requests;
            if (r != null) r.close();
            main.close(); // the migration is over on this side (the first main connection's owner closes it again: no harm)
            push.detach(); // before its loader goes
            pushLoader.close();
        }
    }

    /** One message from the main connection, or a short wait for one. */
    private void step() throws MigrationException, InterruptedException {
        Message message;
        try {
            message = main.receive(pushDone ? POLL : Duration.ofMillis(200));
        } catch (TimeoutException e) {
            if (System.nanoTime() - lastMessageNanos > options.messageTimeout().toNanos() && !pushDone) {
                linkBroken(new TimeoutException("the source sent nothing for " + options.messageTimeout().toMillis() + " ms"));
            }
            return;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            linkBroken(e);
            return;
        }
        lastMessageNanos = System.nanoTime();
        try {
            if (message instanceof PostcopyPushDone done) {
                pushDone = true;
                sourceDigest = done.memoryDigest();
            } else if (message instanceof Abort abort) {
                throw new GuestLostException("the source gave up during post-copy: " + abort.reason() + "; the guest is lost");
            } else {
                throw new ProtocolException("unexpected " + message.type() + " on the main connection during post-copy");
            }
        } catch (ProtocolException e) {
            linkBroken(e); // bad input breaks the link; the source may resume on a clean one
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    /** Postcopy-paused: close both connections, wait for the source to come back, tell it what is lacking. */
    private void recover() throws MigrationException, InterruptedException {
        Throwable cause = linkFailure;
        long brokenAt = System.nanoTime();
        requester.detach();
        push.detach(); // the returning source's connection gets it
        main.close();
        Connection r = requests;
        requests = null;
        if (r != null) r.close();
        Duration grace = recoverTimeout.compareTo(MAX_RECOVER_GRACE) < 0 ? recoverTimeout : MAX_RECOVER_GRACE;
        long deadline = brokenAt + recoverTimeout.plus(grace).toNanos();
        while (true) {
            Connection back = door.awaitResume(deadline);
            if (back == null) {
                throw new GuestLostException("the link to the source broke during post-copy (" + Errors.describe(cause)
                        + ") and the source did not come back within " + recoverTimeout.toMillis() + " ms; the guest is lost");
            }
            if (resumeOn(back)) break;
        }
        linkFailure = null;
        pushDone = false; // the source sends the lacking pages again, then a new PostcopyPushDone
        lastMessageNanos = System.nanoTime();
        recoveries++;
    }

    /** Sends the pages still lacking on the returning source's connection; false if that connection failed too. */
    private boolean resumeOn(Connection back) throws InterruptedException {
        try {
            DirtyBitmap absent = new DirtyBitmap(vm.memory().pageCount());
            missing.addAbsentTo(absent);
            for (MissingMap map : MissingMaps.of(absent)) back.send(map);
            push.attach(back); // before the ack: the source pushes only after it
            back.send(new PostcopyResumeAck(absent.cardinality()));
            main = back;
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            push.detach();
            back.close();
            return false;
        }
    }

    /** Every page is in: compare digests, confirm to the source. */
    private Result complete() throws MigrationException, InterruptedException {
        long digest = digests.digest();
        if (digest != sourceDigest) {
            String reason = "memory digest mismatch after post-copy: destination " + Long.toHexString(digest) + ", source "
                    + Long.toHexString(sourceDigest) + "; the guest is lost";
            try {
                main.send(Abort.because(reason)).await(options.messageTimeout().toMillis());
            } catch (Exception ignored) {
                // the source learns it on its next try
            }
            throw new GuestLostException(reason);
        }
        FaultFigures figures = missing.figures();
        Histogram latency = figures.faultLatencyNanos();
        PostcopyComplete confirmation = new PostcopyComplete(digest, vm.totalOps(), vm.firstOpMicrosSinceResume(),
                figures.faults(), figures.pagesRequested(), latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                latency.getMaxValue(), figures.blocktimeNanosPerVcpu());
        door.completed(confirmation);
        try {
            main.send(confirmation).await(options.messageTimeout().toMillis());
        } catch (Exception e) {
            // The guest is whole here; a source that missed this asks again and gets it from the door.
        }
        return new Result(figures, sink.loadedPages(), sink.droppedPages(), answeredBytes.get() + push.bytes(), recoveries,
                System.nanoTime() - startNanos, true);
    }

    /** The guest is lost before {@link #run}: the same ending, and the request connection closed. */
    void abandon(String reason) {
        finished = true;
        giveUp(reason);
        requester.detach();
        Connection r = requests;
        if (r != null) r.close();
    }

    private void giveUp(String reason) {
        door.lost(reason);
        missing.abandon(reason);
        vm.close();
    }

    /** The door's callback, and the first look: a request connection to read answers from. */
    /** The request connection that arrived, now the one the guest's requests go out on; null if none came. */
    private Connection takeRequestConnection() {
        Connection c = door.takeRequests();
        if (c == null || finished) {
            if (c != null) c.close();
            return null;
        }
        Connection old = requests;
        requests = c;
        if (old != null) old.close();
        requester.attach(c);
        return c;
    }

    private void readAnswers(Connection c) {
        c.deliverOnEventLoop(new AnswerLoader(c));
    }


    /**
     * The request connection's reader: loads each one-page answer on the connection's event loop
     * as it is decoded, and wakes the vCPUs waiting for it (no thread of its own: one wake-up less
     * on every fault).
     */
    final class AnswerLoader implements EventLoopReader {
        private final Connection connection;

        AnswerLoader(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void message(Message message) {
            if (!(message instanceof PageBatch batch)) {
                ReferenceCountUtil.release(message);
                throw new ProtocolException("unexpected " + message.type() + " on the request connection");
            }
            answeredBytes.addAndGet(batch.pageBytes());
            batch.applyTo(sink);
        }

        @Override
        public void failed(Throwable cause) {
            if (!finished && requests == connection) linkBroken(cause);
        }
    }

    /** After each pushed batch, on the main connection's event loop: the source is alive. */
    private void pushed() {
        lastMessageNanos = System.nanoTime();
    }

    private void linkBroken(Throwable cause) {
        if (linkFailure == null) linkFailure = cause;
    }

}
