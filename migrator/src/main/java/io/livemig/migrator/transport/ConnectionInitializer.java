package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.FrameDecoder;
import io.livemig.migrator.protocol.MessageDecoder;
import io.livemig.migrator.protocol.MessageEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pipeline of both sides (source: the connecting channel; destination: each accepted one):
 * with {@link ConnectionOptions#tls()} first the {@code SslHandler} (TLS, then codec, then
 * logic: everything below it, page frames included, is encrypted), then the frame decoder with the size limit, message decoder, message encoder, then the
 * {@link Connection} that hands messages to the blocking side. In front of everything, a stall
 * detector; on the server side, every connection waits for admission at the listener's gate. The two sides differ only in what
 * they do with the connection, hence one class and a callback.
 */
final class ConnectionInitializer extends ChannelInitializer<Channel> {

    /** The stall detector's name in the pipeline. */
    static final String STALL = "stall";
    private static final MessageDecoder MESSAGE_DECODER = new MessageDecoder();
    private static final MessageEncoder MESSAGE_ENCODER = new MessageEncoder();

    private final ConnectionOptions options;
    private final Consumer<Connection> onConnection;
    /** The address connected to (client side), or null on the server side. */
    private final HostPort peer;
    /** The listener's admission gate (server side), or null. */
    private final AdmissionGate gate;

    ConnectionInitializer(ConnectionOptions options, Consumer<Connection> onConnection, HostPort peer, AdmissionGate gate) {
        this.options = options;
        this.onConnection = onConnection;
        this.peer = peer;
        this.gate = gate;
    }

    @Override
    protected void initChannel(Channel channel) {
        Connection connection = new Connection(channel, options);
        // First, so it sees every byte (TLS records included): no progress either way for the stall timeout fails the connection.
        channel.pipeline().addLast(STALL, new IdleStateHandler(true, 0, 0, options.stallTimeout().toNanos(), TimeUnit.NANOSECONDS));
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
        if (gate != null) connection.awaitAdmission(gate);
        onConnection.accept(connection);
    }
}
