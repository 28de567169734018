package io.livemig.migrator.netlab;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/** One relayed connection: the client's channel, the channel to the server, and a {@link Pipe} each way. */
final class Relay {
    private final Proxy proxy;
    private final Channel client;
    private final Channel server;
    private final Pipe upstream;
    private final Pipe downstream;

    Relay(Proxy proxy, Link link, Channel client, Channel server) {
        this.proxy = proxy;
        this.client = client;
        this.server = server;
        this.upstream = new Pipe(this, link, Link.Direction.UPSTREAM, client, server);
        this.downstream = new Pipe(this, link, Link.Direction.DOWNSTREAM, server, client);
    }

    /** Adds the pipes and starts reading both ways. */
    void start() {
        client.pipeline().addLast("pipe", upstream);
        server.pipeline().addLast("pipe", downstream);
        // Each end closes the other once what it sent has been delivered (see Pipe).
        client.closeFuture().addListener(f -> proxy.relayClosed(this));
        server.closeFuture().addListener(f -> proxy.relayClosed(this));
        client.config().setAutoRead(true);
        server.config().setAutoRead(true);
    }

    Pipe other(Pipe pipe) {
        return pipe == upstream ? downstream : upstream;
    }

    /** Between the reset point and the reset itself nothing more passes. */
    boolean resetPending() {
        return proxy.resetPending();
    }

    void resetLinkAt(long atNanos) {
        proxy.resetAllAt(atNanos);
    }

    /** Both ends get a TCP RST (linger 0), as when a middlebox drops the connection. */
    void reset() {
        upstream.discard();
        downstream.discard();
        for (Channel c : new Channel[] {client, server}) {
            if (!c.isActive()) continue;
            c.config().setOption(ChannelOption.SO_LINGER, 0);
            c.close();
        }
    }

    void close() {
        client.close();
        server.close();
    }
}
