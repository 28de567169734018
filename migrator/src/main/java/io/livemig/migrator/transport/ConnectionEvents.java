package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.ProtocolException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.time.Duration;

/**
 * The last handler of a connection's pipeline, on the event loop: turns the channel's events into
 * the {@link Connection}'s (messages, writability, and its first error, described as a user needs
 * to read it: who closed, a stall, a TLS refusal, a protocol error told to the peer too).
 */
final class ConnectionEvents extends ChannelInboundHandlerAdapter {
    private final Connection connection;
    private final Duration stallTimeout;

    ConnectionEvents(Connection connection, Duration stallTimeout) {
        this.connection = connection;
        this.stallTimeout = stallTimeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Message message) {
            connection.deliver(message);
        } else {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("not a Message: " + msg.getClass().getName());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        connection.signalChange();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.fail(new IOException("connection closed by the peer"));
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            connection.fail(new IOException("stalled: no byte moved either way for " + stallTimeout.toMillis()
                    + " ms (stall timeout)"));
            ctx.close();
            return;
        }
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            // Recorded before the SslHandler closes the channel, so this is the reason both ends report.
            connection.fail(TlsFailures.describe("TLS handshake with " + ctx.channel().remoteAddress() + " failed", done.cause()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() instanceof SSLException ? cause.getCause() : null;
        // TLS 1.3: a client learns that the server refused its certificate only after its own handshake completed.
        connection.fail(tls != null ? TlsFailures.describe("TLS with " + ctx.channel().remoteAddress() + " failed", tls) : cause);
        if (cause instanceof ProtocolException && ctx.channel().isActive()) {
            // Tell the peer why, so both ends log the same cause, then drop the untrusted stream.
            ctx.writeAndFlush(Abort.because("protocol error: " + cause.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
