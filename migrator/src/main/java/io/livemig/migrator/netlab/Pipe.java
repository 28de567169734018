package io.livemig.migrator.netlab;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One direction of one relayed connection: reads chunks from {@code from}, holds each until the
 * {@link Link} says it arrives, then writes it to {@code to}, in order. Reading pauses while the
 * chunks held exceed the link's queue cap or {@code to} cannot take more, so a fast sender is held
 * back by TCP, as a full router queue would hold it back.
 */
final class Pipe extends ChannelInboundHandlerAdapter {
    /** Bytes to deliver at {@code dueNanos}; null bytes: the end of the stream (a FIN travels the link too). */
    private record Chunk(ByteBuf bytes, long dueNanos) {}

    private final Relay relay;
    private final Link link;
    private final Link.Direction direction;
    private final Channel from;
    private final Channel to;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private long heldBytes;
    private long lastDueNanos = Long.MIN_VALUE;
    private boolean drainScheduled;
    private boolean discarded;

    Pipe(Relay relay, Link link, Link.Direction direction, Channel from, Channel to) {
        this.relay = relay;
        this.link = link;
        this.direction = direction;
        this.from = from;
        this.to = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || discarded || relay.resetPending()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long now = System.nanoTime();
        long beforeReset = link.bytesBeforeReset(direction, bytes.readableBytes());
        if (beforeReset < 0) {
            hold(bytes, now);
            return;
        }
        if (beforeReset > 0) hold(bytes.readRetainedSlice((int) beforeReset), now);
        bytes.release();
        relay.resetLinkAt(Math.max(now, lastDueNanos));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        relay.other(this).updateReading(); // our channel's outbound is the other direction's output
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        relay.other(this).discard(); // nothing can be written to this channel any more
        if (discarded) return;
        // The close reaches the other end after the bytes before it, and no sooner than the link allows (a stall holds it too).
        long now = System.nanoTime();
        long due = Math.max(link.arrivalNanos(direction, 0, now), lastDueNanos);
        lastDueNanos = due;
        chunks.add(new Chunk(null, due));
        scheduleDrain(now);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or refused peer: channelInactive passes the close on
    }

    /** Drops what is held: the channel it was for has gone. */
    void discard() {
        discarded = true;
        for (Chunk chunk; (chunk = chunks.poll()) != null; ) {
            if (chunk.bytes != null) chunk.bytes.release();
        }
        heldBytes = 0;
    }

    void updateReading() {
        if (discarded || !from.isActive()) return;
        boolean read = heldBytes <= link.queueCapBytes(System.nanoTime()) && to.isWritable();
        if (from.config().isAutoRead() != read) from.config().setAutoRead(read);
    }

    private void hold(ByteBuf bytes, long now) {
        int size = bytes.readableBytes();
        long due = Math.max(link.arrivalNanos(direction, size, now), lastDueNanos);
        lastDueNanos = due;
        chunks.add(new Chunk(bytes, due));
        heldBytes += size;
        updateReading();
        scheduleDrain(now);
    }

    private void scheduleDrain(long now) {
        if (drainScheduled || chunks.isEmpty()) return;
        drainScheduled = true;
        long delay = chunks.peek().dueNanos - now;
        if (delay <= 0) from.eventLoop().execute(this::drain);
        else from.eventLoop().schedule(this::drain, delay, TimeUnit.NANOSECONDS);
    }

    private void drain() {
        drainScheduled = false;
        long now = System.nanoTime();
        boolean wrote = false;
        while (!chunks.isEmpty() && chunks.peek().dueNanos <= now) {
            Chunk chunk = chunks.poll();
            if (chunk.bytes == null) {
                to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            int size = chunk.bytes.readableBytes();
            to.write(chunk.bytes).addListener(done -> {
                heldBytes -= size;
                updateReading();
            });
            wrote = true;
        }
        if (wrote) to.flush();
        scheduleDrain(now);
    }
}
