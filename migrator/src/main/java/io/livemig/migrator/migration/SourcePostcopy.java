package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.postcopy.PagePusher;
import io.livemig.migrator.postcopy.PageRequestServer;
import io.livemig.migrator.postcopy.PagesToSend;
import io.livemig.migrator.postcopy.PushHint;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.protocol.PostcopyPushDone;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The source's post-copy phase, from the switch to the destination's confirmation. The guest is
 * paused here for good: the switch sends its vCPU states and the map of the pages the destination
 * lacks, then {@code PostcopyStart}, the commit point. From then on the source serves: a
 * {@link PageRequestServer} thread answers the destination's requests on the request connection
 * first, while this thread pushes every other page on the main connection ({@link PagePusher}),
 * both through one rate limiter; then {@code PostcopyPushDone} with the digest of the paused
 * memory, and the wait for {@code PostcopyComplete}. The memory stays until then.
 *
 * <p>A broken link pauses it: both connections are closed and {@link PostcopyLinks} reconnects,
 * learning which pages still lack. If the destination never read the switch, the guest may resume
 * here ({@link Outcome#NEVER_SWITCHED}); if it cannot be reached within the recover timeout, the
 * guest is lost ({@link GuestLostException}).
 */
final class SourcePostcopy {
    /** How post-copy ended. */
    enum Outcome { COMPLETED, NEVER_SWITCHED }

    /** Figures of the phase; {@code resumedAtNanos} is 0 when the destination's RESUMED was lost with the link. */
    record Result(Outcome outcome, long resumedAtNanos, long pagesPushed, long pagesAnswered, long bytesSent,
                  long recoveries, PostcopyComplete confirmation, long sourceDigest, long postcopyNanos,
                  long rawDataBytes, long wireDataBytes) {}

    private static final Duration POLL = Duration.ofMillis(100);

    private final VirtualMachine vm;
    private final PostcopyLinks links;
    private final TokenBucketRateLimiter limiter;
    private final MigrationOptions options;
    private final Duration recoverTimeout;
    private final PagesToSend toSend;
    private final PushHint hint = new PushHint();
    private final PageBatchEncoder encoder;
    private final GuestPages pages;
    /** Made before the pause, so that the switch allocates no buffer in it; null once sent. */
    private ByteBuf switchFrames;
    /** The maps' words, made before the pause for the same reason. */
    private final long[][] mapArrays;

    private Connection main;
    private Connection requests;
    private PageRequestServer server;
    private long pushedPages;
    private long answeredPages;
    private long bytesSent;
    /** The push's data blocks before and after compression (answers go uncompressed, counted in neither). */
    private long rawDataBytes;
    private long wireDataBytes;
    private long recoveries;
    private long resumedAtNanos;
    /** The digest of the paused memory, once computed (it never changes). */
    private Long sourceDigest;

    SourcePostcopy(VirtualMachine vm, Connection main, Connection requests, PostcopyLinks links, TokenBucketRateLimiter limiter,
                   MigrationOptions options, Duration recoverTimeout) {
        this.vm = vm;
        this.main = main;
        this.requests = requests;
        this.links = links;
        this.limiter = limiter;
        this.options = options;
        this.recoverTimeout = recoverTimeout;
        GuestMemory memory = vm.memory();
        this.toSend = new PagesToSend(memory.pageCount());
        this.pages = new GuestPages(memory, null);
        this.encoder = new PageBatchEncoder(memory.pageSize(),
                Math.max(PageBatchEncoder.DEFAULT_MAX_PAYLOAD_BYTES, memory.pageSize() + 64 * 1024));
        this.mapArrays = MissingMaps.arraysFor(memory.pageCount());
        this.switchFrames = main.alloc().directBuffer(switchBytes(vm.config().vcpus()));
    }

    /** The switch's frames at most: every vCPU's state, a map of every page, the start. */
    private int switchBytes(int vcpus) {
        int bytes = vcpus * MessageCodec.frameBytesHint(new VcpuState(0, new long[VcpuState.REGISTER_COUNT]))
                + MessageCodec.frameBytesHint(new PostcopyStart(0, 0, 0));
        for (long[] words : mapArrays) bytes += MessageCodec.frameBytesHint(new MissingMap(0, words));
        return bytes;
    }

    /**
     * The switch: vCPU states, maps, {@code PostcopyStart}. Throws (the guest may resume here)
     * only while {@code PostcopyStart} is not on the wire.
     *
     * @return true once {@code PostcopyStart} is written: from then on the guest never resumes here on its own
     */
    void sendSwitch(DirtyBitmap missing, long pauseStartNanos) throws Exception {
        // Encoded here into one buffer, written in one write: each message sent on its own woke the
        // event loop, which then ran their encoders, and the destination read them in as many wake-ups.
        List<Message> messages = new ArrayList<>();
        for (io.livemig.emulator.VcpuState state : vm.saveVcpuStates()) {
            messages.add(new VcpuState(state.vcpu(), state.registers()));
        }
        messages.addAll(MissingMaps.of(missing, mapArrays));
        messages.add(new PostcopyStart(pauseStartNanos, missing.cardinality(), recoverTimeout.toMillis()));
        ByteBuf frames = switchFrames;
        switchFrames = null; // the connection owns it now
        try {
            MessageCodec.encodeAll(frames, messages);
        } catch (RuntimeException e) {
            frames.release();
            throw e;
        }
        ChannelFuture start = main.sendPages(frames);
        if (!start.await(options.replyTimeout().toMillis()) || !start.isSuccess()) {
            throw new MigrationException("POSTCOPY_START could not be sent: " + Errors.describe(start.cause()));
        }
        toSend.reset(missing);
    }

    /** Gives back the switch's buffer when the switch is not sent after all (the pause failed). */
    void discardSwitch() {
        if (switchFrames != null) switchFrames.release();
        switchFrames = null;
    }

    /** Serves the destination until it confirms every page, reconnecting after a broken link. */
    Result serve() throws MigrationException, InterruptedException {
        long startNanos = System.nanoTime();
        boolean resumedSeen = false;
        // --compress for the push, as for pre-copy's batches
        BatchCompression compression = BatchCompression.of(options.transfer().compression(), options.bandwidthBytesPerS());
        try {
            while (true) {
                try {
                    startServer(); // the guest's first faults may come before its RESUMED
                    if (!resumedSeen) {
                        resumedAtNanos = Replies.expect(main, Resumed.class, options.replyTimeout(), "the switch to post-copy")
                                .resumedAtNanos();
                        resumedSeen = true;
                    }
                    PagePusher pusher = new PagePusher(main, pages, toSend, limiter, hint, encoder, compression);
                    boolean allSent;
                    try {
                        allSent = pusher.pushAll(() -> server.failure() != null);
                    } finally {
                        pushedPages += pusher.pushedPages();
                        bytesSent += pusher.pushedBytes();
                        rawDataBytes += pusher.rawDataBytes();
                        wireDataBytes += pusher.wireDataBytes();
                    }
                    if (!allSent) throw new LinkBroken(server.failure());
                    // Digested only now: during the push the cores serve the destination's first faults.
                    if (sourceDigest == null) sourceDigest = vm.memory().digest();
                    main.send(new PostcopyPushDone(pushedPages + answeredPages + server.answered(), sourceDigest));
                    PostcopyComplete done = awaitConfirmation();
                    stopServer();
                    return new Result(Outcome.COMPLETED, resumedAtNanos, pushedPages, answeredPages, bytesSent, recoveries, done,
                            sourceDigest, System.nanoTime() - startNanos, rawDataBytes, wireDataBytes);
                } catch (GuestLostException e) {
                    throw e;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // A fault here, not on the link or from the peer: reconnecting would only meet it again, for ever.
                    if (e instanceof RuntimeException r && !(e instanceof io.livemig.migrator.protocol.ProtocolException)) {
                        throw lostTo(r);
                    }
                    Throwable cause = e instanceof LinkBroken broken ? broken.getCause() : e;
                    PostcopyLinks.Reconnect next = recover(cause);
                    if (next instanceof PostcopyLinks.NeverSwitched) {
                        return new Result(Outcome.NEVER_SWITCHED, 0, 0, 0, bytesSent, recoveries, null, 0, System.nanoTime() - startNanos,
                                rawDataBytes, wireDataBytes);
                    }
                    if (next instanceof PostcopyLinks.AlreadyComplete done) {
                        if (sourceDigest == null) sourceDigest = vm.memory().digest();
                        return new Result(Outcome.COMPLETED, resumedAtNanos, pushedPages, answeredPages, bytesSent, recoveries,
                                done.confirmation(), sourceDigest, System.nanoTime() - startNanos, rawDataBytes, wireDataBytes);
                    }
                    resumedSeen = true; // the destination answered the resume: it runs the guest
                }
            }
        } finally {
            stopServer();
            if (requests != null) requests.close();
            main.close();
            compression.close();
        }
    }

    /** After the push: wait for the destination's confirmation, still serving requests. */
    private PostcopyComplete awaitConfirmation() throws Exception {
        while (true) {
            if (server.failure() != null) throw new LinkBroken(server.failure());
            Message m;
            try {
                m = main.receive(POLL);
            } catch (TimeoutException e) {
                continue;
            }
            try {
                if (m instanceof PostcopyComplete done) return done;
                if (m instanceof Abort abort) {
                    throw new GuestLostException("the destination gave the guest up: " + abort.reason());
                }
                throw new ProtocolException("unexpected " + m.type() + " while waiting for POSTCOPY_COMPLETE");
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    private PostcopyLinks.Reconnect recover(Throwable cause) throws GuestLostException, InterruptedException {
        long brokenAt = System.nanoTime();
        stopServer();
        main.close();
        if (requests != null) requests.close();
        requests = null;
        PostcopyLinks.Reconnect next = links.reconnect(brokenAt, recoverTimeout, toSend, cause);
        recoveries++;
        if (next instanceof PostcopyLinks.Resumed resumed) {
            main = resumed.main();
            requests = resumed.requests();
        }
        return next;
    }

    private void startServer() {
        if (server != null) return;
        server = new PageRequestServer(requests, pages, toSend, limiter, hint);
        server.start();
    }

    private void stopServer() {
        if (server == null) return;
        server.stop();
        answeredPages += server.answered();
        bytesSent += server.answeredBytes();
        server = null;
    }

    /** The request connection failed while the push went on. */
    private static GuestLostException lostTo(RuntimeException e) {
        return new GuestLostException("post-copy failed on the source: " + Errors.describe(e) + "; the guest is lost");
    }

    private static final class LinkBroken extends Exception {
        LinkBroken(Throwable cause) {
            super(Errors.describe(cause), cause);
        }
    }
}
