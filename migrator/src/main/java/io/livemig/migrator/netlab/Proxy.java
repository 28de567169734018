package io.livemig.migrator.netlab;

import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.RateLimitedLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code livemig proxy}: a TCP relay that shapes the link between a source and a destination
 * (latency, jitter, bandwidth over time) and injects one-shot faults (a stall, a reset at a given
 * byte). Every connection is relayed, each to a new connection to the target, all sharing one
 * {@link Link}; everything runs on one event loop thread.
 */
public final class Proxy implements AutoCloseable {
    /** More relayed connections than this at once are refused (closed at once). */
    public static final int MAX_RELAYS = 256;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final HostPort target;
    private final Link link;
    private final Consumer<String> log;
    private final RateLimitedLog refusals;
    private final EventLoopGroup group;
    private final boolean epoll;
    private final Set<Relay> relays = new HashSet<>();
    private Channel serverChannel;
    private long relaysOpened;
    private boolean resetPending;

    private Proxy(HostPort target, LinkSettings settings, Consumer<String> log, long seed) {
        this.target = target;
        this.log = log;
        this.refusals = new RateLimitedLog(log, 1_000_000_000L);
        this.link = new Link(settings, new Link.Events() {
            @Override
            public void stalled(long atBytes, long forNanos) {
                log.accept("stall at byte " + atBytes + " for " + forNanos / 1_000_000 + " ms");
            }

            @Override
            public void reset(long atBytes) {
                log.accept("reset at byte " + atBytes + " (" + relays.size() + " open connection(s))");
            }
        }, seed);
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** Listens on {@code listen} and relays every connection to {@code target}; {@code log} hears faults and refusals. */
    public static Proxy start(HostPort listen, HostPort target, LinkSettings settings, Consumer<String> log)
            throws InterruptedException {
        Proxy proxy = new Proxy(target, settings, log, System.nanoTime());
        try {
            proxy.bind(listen);
        } catch (RuntimeException | InterruptedException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private void bind(HostPort listen) throws InterruptedException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        accepted(client);
                    }
                })
                .bind(listen.host(), listen.port()).await();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + listen + ": " + bound.cause().getMessage(), bound.cause());
        }
        serverChannel = bound.channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Bytes relayed client to server and back so far, and connections relayed: {@code [up, down, connections]}. */
    public long[] counters() throws InterruptedException {
        try {
            return group.submit(() -> new long[] {link.upstreamBytes(), link.downstreamBytes(), relaysOpened}).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void accepted(Channel client) {
        if (relays.size() >= MAX_RELAYS) {
            refusals.log(n -> n + " connection(s) refused: " + MAX_RELAYS + " already relayed");
            client.config().setOption(ChannelOption.SO_LINGER, 0);
            client.close();
            return;
        }
        link.connectionOpened(System.nanoTime());
        relaysOpened++;
        new Bootstrap()
                .group(client.eventLoop())
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel server) {
                        // pipes are added once connected
                    }
                })
                .connect(target.host(), target.port())
                .addListener((ChannelFuture connected) -> {
                    if (!connected.isSuccess() || !client.isActive()) {
                        if (!connected.isSuccess()) {
                            log.accept("cannot reach " + target + ": " + connected.cause().getMessage());
                        }
                        connected.channel().close();
                        client.config().setOption(ChannelOption.SO_LINGER, 0);
                        client.close();
                        return;
                    }
                    Relay relay = new Relay(this, link, client, connected.channel());
                    relays.add(relay);
                    relay.start();
                });
    }

    void relayClosed(Relay relay) {
        relays.remove(relay);
    }

    /** The reset fault: every open connection is reset at {@code atNanos} (once the bytes before the reset point arrived). */
    void resetAllAt(long atNanos) {
        if (resetPending) return;
        resetPending = true;
        long delay = atNanos - System.nanoTime();
        group.next().schedule(() -> {
            for (Relay relay : List.copyOf(relays)) relay.reset();
            resetPending = false;
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    boolean resetPending() {
        return resetPending;
    }

    @Override
    public void close() {
        if (serverChannel != null) serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            group.submit(() -> List.copyOf(relays).forEach(Relay::close)).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
