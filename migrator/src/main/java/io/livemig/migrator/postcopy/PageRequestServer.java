package io.livemig.migrator.postcopy;

import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageEntry;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.protocol.PageSource;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.EventLoopReader;
import io.livemig.migrator.transport.TokenBucketRateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The source's side of the request connection: answers each {@link PageRequest} at once with a
 * one-page batch on the same connection, ahead of the push. It answers every request, even for a
 * page the push already claimed (the destination asks only for what it lacks, and the pushed copy
 * may be queued behind megabytes); it claims the page so the push skips it if it has not got there
 * yet. Answers take their bandwidth from the shared limiter without waiting.
 *
 * <p>It answers on the connection's event loop, as the request is decoded: a faulting vCPU waits
 * for every thread that wakes on the way, and a thread of its own here would be one more (on a
 * busy 2-core host, a wake-up can wait milliseconds for a core). An answer never blocks: it copies
 * one page and writes it.
 */
public final class PageRequestServer implements EventLoopReader {
    private final Connection requests;
    private final PageSource memory;
    private final PagesToSend toSend;
    private final TokenBucketRateLimiter limiter;
    private final PushHint hint;
    private final PageBatchEncoder encoder;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong answeredBytes = new AtomicLong();
    private volatile boolean stopped;
    private volatile Throwable failure;

    public PageRequestServer(Connection requests, PageSource memory, PagesToSend toSend, TokenBucketRateLimiter limiter, PushHint hint) {
        this.requests = requests;
        this.memory = memory;
        this.toSend = toSend;
        this.limiter = limiter;
        this.hint = hint;
        this.encoder = answerEncoder(memory.pageSize());
    }

    /** An encoder of one-page frames: the answer is the same copy the push would make, no bigger buffer. */
    public static PageBatchEncoder answerEncoder(int pageSize) {
        return new PageBatchEncoder(pageSize, PageBatch.HEADER_BYTES + PageEntry.BYTES + pageSize);
    }

    /** Starts answering (on the connection's event loop). */
    public void start() {
        requests.deliverOnEventLoop(this);
    }

    @Override
    public void message(Message message) {
        try {
            if (stopped) return;
            if (message instanceof PageRequest request) {
                answer(request.page());
            } else if (message instanceof Abort abort) {
                throw new IllegalStateException("the destination aborted: " + abort.reason());
            } else {
                throw new ProtocolException("expected PAGE_REQUEST on the request connection, got " + message.type());
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (!stopped && failure == null) failure = cause;
    }

    private void answer(long page) {
        if (page >= memory.pageCount()) {
            throw new ProtocolException("request for page " + page + " of a guest with " + memory.pageCount() + " pages");
        }
        toSend.claim(page);
        hint.requested(page);
        ByteBuf frame;
        try {
            encoder.beginBatch(requests.alloc());
            encoder.addPage(memory, page);
            frame = encoder.finishBatch();
        } catch (RuntimeException e) {
            encoder.discardBatch();
            throw e;
        }
        int size = frame.readableBytes();
        limiter.takeUrgent(size);
        requests.sendPagesNow(frame);
        answered.incrementAndGet();
        answeredBytes.addAndGet(size);
    }

    /** Stops answering; a later failure of the connection is then not reported. */
    public void stop() {
        stopped = true;
    }

    /** Why answering ended on its own (the connection failed, a bad frame), or null. */
    public Throwable failure() { return failure; }

    /** Requests answered so far. */
    public long answered() { return answered.get(); }

    /** Bytes of answers on the wire (frames, headers included). */
    public long answeredBytes() { return answeredBytes.get(); }
}
