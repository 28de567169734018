package io.livemig.migrator.transport;

import java.io.IOException;

/**
 * A connection failed: closed by either side, a socket error, a protocol error, a stuck peer.
 * The cause is the connection's first error (a {@link io.livemig.migrator.protocol.ProtocolException}
 * for a malformed stream); every later call reports the same cause.
 */
public final class ConnectionException extends IOException {

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
