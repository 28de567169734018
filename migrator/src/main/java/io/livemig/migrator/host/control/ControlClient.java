package io.livemig.migrator.host.control;

import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.TlsSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking HTTP client for a host's control API ({@code livemig ctl}, tests, reports): one
 * request per connection, with the bearer credential and mutual TLS when given.
 */
public final class ControlClient implements AutoCloseable {
    static final int MAX_RESPONSE_BYTES = 16 << 20;

    /** An answer: the HTTP status and the body. */
    public record Reply(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HostPort control;
    private final String bearer;
    private final TlsSettings tls;
    private final Duration timeout;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /**
     * @param bearer  the credential ({@code AuthToken.controlBearer()}), or null
     * @param tls     mutual TLS, or null
     * @param timeout the longest wait for one answer
     */
    public ControlClient(HostPort control, String bearer, TlsSettings tls, Duration timeout) {
        this.control = control;
        this.bearer = bearer;
        this.tls = tls;
        this.timeout = timeout;
    }

    /** @throws IOException when the host cannot be reached or does not answer in time */
    public Reply request(String method, String path, String jsonBody) throws IOException, InterruptedException {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        ChannelFuture connected = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) ch.pipeline().addLast(tls.clientHandler(ch.alloc(), control));
                        ch.pipeline().addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                                .addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                        reply.complete(new Reply(response.status().code(), response.content().toString(StandardCharsets.UTF_8)));
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        reply.completeExceptionally(new IOException("the host closed the connection without an answer"));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        reply.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect(control.host(), control.port()).await();
        if (!connected.isSuccess()) {
            throw new IOException("cannot reach the host's control port " + control + ": " + rootMessage(connected.cause()));
        }
        Channel channel = connected.channel();
        try {
            byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path,
                    Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, control.toString());
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (bearer != null) request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
            channel.writeAndFlush(request);
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the control request to " + control + " failed: " + rootMessage(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer from " + control + " within " + timeout.toSeconds() + " s");
        } finally {
            channel.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ');
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
