package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageFrame;
import io.livemig.migrator.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking facade over one channel, for the source and destination state machines (which run
 * on their own threads, never on the event loop).
 *
 * <p>Inbound messages wait in a bounded queue; reading from the socket pauses while it holds
 * {@link #INBOUND_HIGH_WATERMARK} messages, so a fast peer is held back by TCP instead of filling
 * memory. Outbound, {@link #send} waits while the channel is not writable, for the same reason.
 * The first error (close, socket error, protocol error, stuck peer) is kept: queued messages are
 * still delivered, then every call reports that error.
 */
public final class Connection implements AutoCloseable {

    static final int INBOUND_HIGH_WATERMARK = 16;
    static final int INBOUND_LOW_WATERMARK = 4;
    /** Hard bound: what one socket read can hold beyond the watermark, before reading pauses. */
    static final int INBOUND_CAPACITY = 8192;
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Channel channel;
    private final ConnectionOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Message> inbound = new ArrayDeque<>();
    private final ChannelFutureListener recordWriteFailure = future -> {
        if (!future.isSuccess()) {
            fail(future.cause());
        }
    };
    private Throwable firstError;
    private boolean closedLocally;
    private boolean readingPaused;
    private volatile long messagesReceived;
    private volatile AdmissionGate gate;
    private volatile boolean closedByGate;
    private final EventLoopDelivery delivery = new EventLoopDelivery(this);

    Connection(Channel channel, ConnectionOptions options) {
        this.channel = channel;
        this.options = options;
    }

    /** The handler that feeds this connection; last in the pipeline. */
    ChannelHandler handler() {
        return new ConnectionEvents(this, options.stallTimeout());
    }

    /** Accepted by a listener: counts against its pending connections, under its handshake deadline, until {@link #admitted()}. */
    void awaitAdmission(AdmissionGate gate) {
        this.gate = gate;
        gate.arrived(waiting);
    }

    /** This connection as its listener's gate sees it. */
    private final AdmissionGate.Waiting waiting = new AdmissionGate.Waiting() {
        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public boolean delivered() {
            return messagesReceived > 0;
        }

        @Override
        public void close(String reason) {
            closeByGate(reason);
        }
    };

    /**
     * The layer above has authenticated the peer and accepted what it asked for: the listener's
     * handshake deadline no longer applies and the connection no longer counts as pending. No-op
     * on a connection that was not accepted by a listener, or when called again.
     */
    public void admitted() {
        AdmissionGate g = gate;
        if (g != null) {
            gate = null;
            g.admitted(waiting);
        }
    }

    /** Closed by its listener's gate (no handshake in time, or room made for another): already told, of no use to anyone. */
    boolean closedByGate() {
        return closedByGate;
    }

    /** The gate's {@link #abort}: the connection is then skipped by {@link Listener#accept}. */
    void closeByGate(String reason) {
        closedByGate = true;
        fail(new AdmissionException(reason));
        channel.close();
    }

    /**
     * Silence on this connection is normal (post-copy's request connection stays quiet while the
     * guest touches only pages it has): it is not failed for stalling. A stalled link still shows
     * on the connections that carry the migration.
     */
    public void allowIdle() {
        channel.eventLoop().execute(() -> {
            if (channel.pipeline().get(ConnectionInitializer.STALL) != null) channel.pipeline().remove(ConnectionInitializer.STALL);
        });
    }

    /**
     * Fails the connection with {@code reason} and closes it, without waiting: whoever waits on it
     * (any thread) gets a {@link ConnectionException} carrying the reason, unless an error came first.
     */
    public void abort(String reason) {
        fail(new IOException(reason));
        channel.close();
    }

    /**
     * From now on, hands every message to {@code reader} on the event loop instead of queueing it
     * for {@link #receive}; messages already queued go first, in order. When the connection fails
     * (now or later), the reader hears its first error once. Returns at once; the reader takes
     * over on the event loop, before the next message is read.
     */
    public void deliverOnEventLoop(EventLoopReader newReader) {
        channel.eventLoop().execute(delivery.reading(newReader));
    }

    /**
     * From now on, offers every message to {@code newTap} on the event loop before it is queued for
     * {@link #receive}; messages already queued are offered first, in order, and those it takes
     * leave the queue. Returns once the tap is in place (it waits for the event loop, boundedly),
     * so a {@code receive} that follows never sees a message the tap would have taken.
     */
    public void tapOnEventLoop(EventLoopTap newTap) {
        onEventLoopAndWait(delivery.tapping(newTap));
    }

    /**
     * Offers no more messages to the tap: once this returns, the tap is not running and will not
     * run again (its loader and memory may be freed). Waits for the event loop, boundedly.
     */
    public void untap() {
        onEventLoopAndWait(delivery.untapping());
    }

    private void onEventLoopAndWait(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
            return;
        }
        try {
            channel.eventLoop().submit(task).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The event loop is gone with the transport: nothing reads this connection any more.
        }
    }

    /**
     * Sends a ready-made frame without waiting for the channel to become writable: for an
     * {@link EventLoopReader}'s answers, bounded by what the peer asks for. Takes ownership of it.
     */
    public ChannelFuture sendPagesNow(ByteBuf frame) {
        return channel.writeAndFlush(frame).addListener(recordWriteFailure);
    }

    /** Sends one message, first waiting (up to the send timeout) while the peer is behind. */
    public ChannelFuture send(Message message) throws ConnectionException, InterruptedException {
        awaitWritable();
        return channel.writeAndFlush(message).addListener(recordWriteFailure);
    }

    /**
     * Sends a small message without waiting for the channel to become writable: for a thread that
     * must never block on the network (a vCPU asking for a page). A failure shows up as this
     * connection's error, as for {@link #send}.
     *
     * @throws ConnectionException if the connection has already failed
     */
    public ChannelFuture sendNow(Message message) throws ConnectionException {
        lock.lock();
        try {
            if (firstError != null) throw failure();
        } finally {
            lock.unlock();
        }
        return channel.writeAndFlush(message).addListener(recordWriteFailure);
    }

    /** Sends a ready-made frame (from {@code PageBatchEncoder}); takes ownership of it. */
    public ChannelFuture sendPages(ByteBuf frame) throws ConnectionException, InterruptedException {
        try {
            awaitWritable();
        } catch (ConnectionException | InterruptedException | RuntimeException e) {
            frame.release();
            throw e;
        }
        return channel.writeAndFlush(frame).addListener(recordWriteFailure);
    }

    /**
     * Sends a page frame part by part, flushing once after the last, so the socket takes it in one
     * gathering write with no copy of the parts that are guest memory itself. Takes ownership of
     * the parts (they are released if the frame cannot go out) and clears the holder.
     */
    public ChannelFuture sendPages(PageFrame frame) throws ConnectionException, InterruptedException {
        try {
            awaitWritable();
        } catch (ConnectionException | InterruptedException | RuntimeException e) {
            frame.release();
            throw e;
        }
        int last = frame.partCount() - 1;
        for (int i = 0; i < last; i++) {
            // A failed write reaches exceptionCaught through the void promise, and fails the connection there.
            channel.write(frame.part(i), channel.voidPromise());
        }
        ChannelFuture written = channel.writeAndFlush(frame.part(last)).addListener(recordWriteFailure);
        frame.clear();
        return written;
    }

    /**
     * The next message from the peer.
     *
     * @throws TimeoutException    if none arrives in time (the connection stays usable)
     * @throws ConnectionException once the queue is empty and the connection has failed
     */
    public Message receive(Duration timeout) throws ConnectionException, TimeoutException, InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Message message = inbound.poll();
                if (message != null) {
                    resumeReadingIfDrained();
                    return message;
                }
                if (firstError != null) {
                    throw failure();
                }
                long leftNanos = deadlineNanos - System.nanoTime();
                if (leftNanos <= 0) {
                    throw new TimeoutException("no message from " + remoteAddress() + " within " + timeout);
                }
                changed.awaitNanos(leftNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** Closes the channel; later calls report "closed locally" unless an error came first. */
    @Override
    public void close() {
        lock.lock();
        try {
            closedLocally = true;
            recordFirstError(new IOException("connection closed locally"));
            inbound.forEach(ReferenceCountUtil::release);
            inbound.clear();
        } finally {
            lock.unlock();
        }
        channel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private void awaitWritable() throws ConnectionException, InterruptedException {
        long timeoutNanos = options.sendTimeout().toNanos();
        long deadlineNanos = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (firstError == null && !channel.isWritable()) {
                long leftNanos = deadlineNanos - System.nanoTime();
                if (leftNanos <= 0) {
                    recordFirstError(new IOException("send blocked for " + options.sendTimeout()
                            + ": the peer is not reading"));
                    channel.close();
                    break;
                }
                changed.awaitNanos(leftNanos);
            }
            if (firstError != null) {
                throw failure();
            }
        } finally {
            lock.unlock();
        }
    }

    /** On the event loop: a message from the peer, for the tap if it takes it, else for {@link #receive}. */
    void deliver(Message message) {
        if (delivery.taken(message)) {
            messagesReceived++;
            return;
        }
        enqueue(message);
    }

    /**
     * On the event loop, as a new tap takes over: offers it the queued messages, in order; those
     * it takes leave the queue. Returns the connection's error, or null.
     */
    Throwable offerQueued(EventLoopTap newTap) {
        lock.lock();
        try {
            ArrayDeque<Message> queued = new ArrayDeque<>(inbound);
            inbound.clear();
            while (!queued.isEmpty()) {
                Message message = queued.poll();
                try {
                    if (!newTap.take(message)) inbound.add(message);
                } catch (Exception e) {
                    inbound.addAll(queued); // the failed one is the tap's; the rest are released on close
                    channel.pipeline().fireExceptionCaught(e);
                    return null;
                }
            }
            resumeReadingIfDrained();
            return firstError;
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Message message) {
        lock.lock();
        try {
            if (closedLocally) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (inbound.size() >= INBOUND_CAPACITY) {
                ReferenceCountUtil.release(message);
                throw new ProtocolException("peer sent more than " + INBOUND_CAPACITY + " messages ahead");
            }
            inbound.add(message);
            messagesReceived++;
            if (inbound.size() >= INBOUND_HIGH_WATERMARK && !readingPaused) {
                readingPaused = true;
                channel.config().setAutoRead(false);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void resumeReadingIfDrained() {
        if (readingPaused && inbound.size() <= INBOUND_LOW_WATERMARK) {
            readingPaused = false;
            channel.config().setAutoRead(true);
        }
    }

    /** Records {@code cause} as this connection's error unless one came first; every waiting call then reports it. */
    void fail(Throwable cause) {
        lock.lock();
        try {
            recordFirstError(cause);
        } finally {
            lock.unlock();
        }
    }

    private void recordFirstError(Throwable cause) {
        if (firstError == null) {
            firstError = cause;
            tellReader(cause);
        }
        changed.signalAll();
    }

    /** An event-loop reader hears of the failure on the event loop (it may be installed there meanwhile: it then sees firstError). */
    private void tellReader(Throwable cause) {
        try {
            channel.eventLoop().execute(() -> delivery.failed(cause));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The event loop is gone with the transport: nobody reads any more.
        }
    }

    /** Wakes whoever waits on this connection (a sender waiting for writability). */
    void signalChange() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private ConnectionException failure() {
        return new ConnectionException("connection " + channel.localAddress() + " -> " + channel.remoteAddress()
                + " failed: " + firstError.getMessage(), firstError);
    }
}
