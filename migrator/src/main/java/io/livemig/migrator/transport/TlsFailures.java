package io.livemig.migrator.transport;

import io.netty.handler.ssl.NotSslRecordException;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;

/** A TLS failure said in one line a user can act on: the root cause, named plainly where it is a common one. */
final class TlsFailures {
    private TlsFailures() {}

    static SSLException describe(String what, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root instanceof ClosedChannelException) reason = "the peer closed the connection (plain TCP, or it refused us)";
        if (root instanceof NotSslRecordException) reason = "the peer does not speak TLS";
        return new SSLException(what + ": " + reason.replace('\n', ' '), cause);
    }
}
