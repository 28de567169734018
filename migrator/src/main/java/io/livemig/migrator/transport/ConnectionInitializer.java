package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.FrameDecoder;
import io.livemig.migrator.protocol.MessageDecoder;
import io.livemig.migrator.protocol.MessageEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.function.Consumer;

/**
 * The pipeline of both sides (source: the connecting channel; destination: each accepted one):
 * with {@link ConnectionOptions#tls()} first the {@code SslHandler} (TLS, then codec, then
 * logic: everything below it, page frames included, is encrypted), then the frame decoder with the size limit, message decoder, message encoder, then the
 * {@link Connection} that hands messages to the blocking side. The two sides differ only in what
 * they do with the connection, hence one class and a callback.
 */
final class ConnectionInitializer extends ChannelInitializer<Channel> {

    private static final MessageDecoder MESSAGE_DECODER = new MessageDecoder();
    private static final MessageEncoder MESSAGE_ENCODER = new MessageEncoder();

    private final ConnectionOptions options;
    private final Consumer<Connection> onConnection;
    /** The address connected to (client side), or null on the server side. */
    private final HostPort peer;

    ConnectionInitializer(ConnectionOptions options, Consumer<Connection> onConnection, HostPort peer) {
        this.options = options;
        this.onConnection = onConnection;
        this.peer = peer;
    }

    @Override
    protected void initChannel(Channel channel) {
        Connection connection = new Connection(channel, options);
        TlsSettings tls = options.tls();
        if (tls != null) {
            channel.pipeline().addLast("tls", peer == null
                    ? tls.serverHandler(channel.alloc())
                    : tls.clientHandler(channel.alloc(), peer));
        }
        channel.pipeline()
                .addLast("frame-decoder", new FrameDecoder(options.maxPayloadBytes()))
                .addLast("message-decoder", MESSAGE_DECODER)
                .addLast("message-encoder", MESSAGE_ENCODER)
                .addLast("connection", connection.handler());
        onConnection.accept(connection);
    }
}
