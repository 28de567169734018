package io.livemig.migrator.host.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.livemig.migrator.transport.AdmissionGate;
import io.livemig.migrator.transport.AdmissionOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.TlsSettings;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The control API over HTTP/1.1 (Netty's codec): TLS first when given (mutual, the same
 * certificates as the migration port), then the HTTP codec and a 1 MiB aggregator, then a handler
 * that checks the bearer credential and hands the request to {@link ControlApi} on a small worker
 * pool (a boot or a cancel may take seconds; the event loop never waits). One request per
 * connection: the answer closes it. As on the migration port, an {@link AdmissionGate} bounds the
 * connections that have not delivered a whole request yet (default deadline and pending bound):
 * idle or trickling clients hold nothing.
 */
public final class ControlServer implements AutoCloseable {
    static final int MAX_REQUEST_BYTES = 1 << 20;
    static final int WORKERS = 4;
    static final int QUEUED_REQUESTS = 256;
    static final int READ_TIMEOUT_SECONDS = 30;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService workers;
    private final Channel serverChannel;
    private final AdmissionGate gate = new AdmissionGate(AdmissionOptions.DEFAULTS);

    /** A control connection as the gate sees it: waiting until its request is whole. */
    private record Request(Channel channel) implements AdmissionGate.Waiting {
        @Override
        public boolean delivered() {
            return false; // one request per connection: until it is whole there is nothing
        }

        @Override
        public void close(String reason) {
            channel.close();
        }
    }

    /**
     * @param bearer the credential every request must carry ({@code Authorization: Bearer ...}), or null for none
     * @param tls    mutual TLS, or null for plain HTTP
     */
    public ControlServer(HostPort at, ControlApi api, String bearer, TlsSettings tls) throws InterruptedException {
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED_REQUESTS), r -> {
            Thread t = new Thread(r, "host-control");
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        byte[] expected = bearer == null ? null : ("Bearer " + bearer).getBytes(StandardCharsets.US_ASCII);
        var bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        gate.arrived(new Request(ch));
                        if (tls != null) ch.pipeline().addLast(tls.serverHandler(ch.alloc()));
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new Handler(api, expected, workers, gate));
                    }
                })
                .bind(at.host(), at.port()).await();
        if (!bound.isSuccess()) {
            close();
            throw new IllegalArgumentException("cannot listen on " + at + " for control: " + bound.cause().getMessage());
        }
        serverChannel = bound.channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        if (serverChannel != null) serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownNow();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ControlApi api;
        private final byte[] expectedAuthorization;
        private final ExecutorService workers;
        private final AdmissionGate gate;

        Handler(ControlApi api, byte[] expectedAuthorization, ExecutorService workers, AdmissionGate gate) {
            this.api = api;
            this.expectedAuthorization = expectedAuthorization;
            this.workers = workers;
            this.gate = gate;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            gate.admitted(new Request(ctx.channel())); // whole: it is answered now, then closed
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, ControlApi.error(400, "malformed HTTP request"));
                return;
            }
            if (!authorized(request)) {
                respond(ctx, ControlApi.error(401, "missing or wrong bearer credential (see --auth-token-file)"));
                return;
            }
            String method = request.method().name();
            String uri = request.uri();
            String body = request.content().toString(StandardCharsets.UTF_8);
            try {
                workers.execute(() -> respond(ctx, api.handle(method, uri, body)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                respond(ctx, ControlApi.error(503, "too many requests at once"));
            }
        }

        private boolean authorized(FullHttpRequest request) {
            if (expectedAuthorization == null) return true;
            String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            return given != null && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.US_ASCII));
        }

        private static void respond(ChannelHandlerContext ctx, ControlApi.Response r) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                    Unpooled.copiedBuffer(r.body(), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
