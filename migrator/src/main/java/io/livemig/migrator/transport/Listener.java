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
    private final AdmissionGate gate;

    Listener(Channel serverChannel, BlockingQueue<Connection> accepted, AdmissionGate gate) {
        this.serverChannel = serverChannel;
        this.accepted = accepted;
        this.gate = gate;
    }

    /** Connections accepted and not yet admitted (nor closed). */
    public int pendingConnections() {
        return gate.pendingCount();
    }

    /** The bound address; the real port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The next accepted connection; those its admission gate closed already are skipped. */
    public Connection accept(Duration timeout) throws TimeoutException, InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (true) {
            Connection connection = accepted.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (connection == null) {
                throw new TimeoutException("no connection on " + localAddress() + " within " + timeout);
            }
            if (!connection.closedByGate()) return connection;
            connection.close();
        }
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
