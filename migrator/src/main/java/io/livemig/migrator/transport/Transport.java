package io.livemig.migrator.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The event loop and the two ways to get a {@link Connection}: {@link #connect} (source) and
 * {@link #listen} (destination). Native epoll when available, else NIO. One I/O thread unless
 * asked for more (one per data channel): the hosts have few cores.
 */
public final class Transport implements AutoCloseable {

    /**
     * Outbound bytes queued before a channel reports unwritable: room for a few page batches, so
     * the sender keeps the socket busy without queueing memory without bound.
     */
    static final WriteBufferWaterMark WRITE_WATER_MARK = new WriteBufferWaterMark(2 << 20, 8 << 20);

    /**
     * Socket buffers: large enough to keep a fast link busy between two wake-ups of the sender
     * (the kernel doubles the value and caps it at net.core.[rw]mem_max).
     */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /**
     * Reads of up to 1 MiB: a page frame is 0.5 MiB, so most frames arrive within one read and go on
     * as a slice of it, with no copy (see {@code FrameDecoder}).
     */
    static final AdaptiveRecvByteBufAllocator RECEIVE_SIZES = new AdaptiveRecvByteBufAllocator(64 << 10, 256 << 10, 1 << 20);

    private final EventLoopGroup group;
    private final boolean epoll;
    private final ConnectionOptions options;

    private Transport(boolean epoll, ConnectionOptions options, int ioThreads) {
        this.epoll = epoll;
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** Epoll when {@code Epoll.isAvailable()}, else NIO; one I/O thread. */
    public static Transport create(ConnectionOptions options) {
        return create(options, 1);
    }

    /**
     * With {@code ioThreads} I/O threads: connections are spread over them (Netty assigns each new
     * channel the next thread), so N data channels with N threads each get their own.
     */
    public static Transport create(ConnectionOptions options, int ioThreads) {
        if (ioThreads < 1) throw new IllegalArgumentException("ioThreads must be >= 1");
        return new Transport(Epoll.isAvailable(), options, ioThreads);
    }

    /** NIO even where epoll is available, e.g. to compare the two. */
    public static Transport createNio(ConnectionOptions options) {
        return new Transport(false, options, 1);
    }

    public boolean usesEpoll() {
        return epoll;
    }

    public Connection connect(HostPort to, Duration timeout) throws ConnectionException, InterruptedException {
        AtomicReference<Connection> connection = new AtomicReference<>();
        ChannelFuture connected = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZES)
                .handler(new ConnectionInitializer(options, connection::set, to, null))
                .connect(to.host(), to.port());
        connected.await();
        if (!connected.isSuccess()) {
            throw new ConnectionException("cannot connect to " + to + ": " + connected.cause().getMessage(),
                    connected.cause());
        }
        return connection.get();
    }

    /** Listens with the default admission rules ({@link AdmissionOptions#DEFAULTS}). */
    public Listener listen(HostPort at) throws ConnectionException, InterruptedException {
        return listen(at, AdmissionOptions.DEFAULTS);
    }

    /**
     * Listens on {@code at}. Every accepted connection waits for admission under {@code admission}:
     * the layer above calls {@link Connection#admitted()} once the peer is authenticated and its
     * request accepted.
     */
    public Listener listen(HostPort at, AdmissionOptions admission) throws ConnectionException, InterruptedException {
        BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        AdmissionGate gate = new AdmissionGate(admission);
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)  // set on the listener so the window scale fits it
                .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZES)
                .childHandler(new ConnectionInitializer(options, accepted::add, null, gate))
                .bind(at.host(), at.port());
        bound.await();
        if (!bound.isSuccess()) {
            throw new ConnectionException("cannot listen on " + at + ": " + bound.cause().getMessage(), bound.cause());
        }
        Channel serverChannel = bound.channel();
        return new Listener(serverChannel, accepted, gate);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
