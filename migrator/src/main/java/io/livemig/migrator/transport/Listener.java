package io.livemig.migrator.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A listening socket of the destination; hands out accepted connections one at a time. */
public final class Listener implements AutoCloseable {

    private final Channel serverChannel;
    private final BlockingQueue<Connection> accepted;

    Listener(Channel serverChannel, BlockingQueue<Connection> accepted) {
        this.serverChannel = serverChannel;
        this.accepted = accepted;
    }

    /** The bound address; the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public Connection accept(Duration timeout) throws TimeoutException, InterruptedException {
        Connection connection = accepted.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (connection == null) {
            throw new TimeoutException("no connection on " + localAddress() + " within " + timeout);
        }
        return connection;
    }

    /** Stops listening and closes connections that were never accepted. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        for (Connection connection; (connection = accepted.poll()) != null; ) {
            connection.close();
        }
    }
}
