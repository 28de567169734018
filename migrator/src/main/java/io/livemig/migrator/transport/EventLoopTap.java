package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.Message;

/**
 * Takes some of a connection's messages on its event loop as they are decoded (see
 * {@link Connection#tapOnEventLoop}); the rest queue for {@link Connection#receive} as before, in
 * order. For the page stream: a batch loaded where it was decoded is not handed to another thread,
 * which on a 2-core host is one busy thread fewer and one wake-up fewer per batch.
 */
public interface EventLoopTap {
    /**
     * One message, on the event loop, in order: true if the tap took it (and owns it, releases it),
     * false to leave it for {@code receive}. Must not block. An exception fails the connection (a
     * {@link io.livemig.migrator.protocol.ProtocolException} tells the peer why).
     */
    boolean take(Message message) throws Exception;
}
