package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.Message;

/**
 * Takes a connection's messages on its event loop as they are decoded (see
 * {@link Connection#deliverOnEventLoop}): for a reader whose work per message is short and never
 * blocks, where a hand-over to a thread of its own would add a wake-up to every message.
 */
public interface EventLoopReader {
    /**
     * One message, on the event loop, in order; owns it (releases it). Must not block. An exception
     * fails the connection (a {@link io.livemig.migrator.protocol.ProtocolException} tells the peer why).
     */
    void message(Message message) throws Exception;

    /** The connection failed: its first error, once, on the event loop. */
    void failed(Throwable cause);
}
