package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Waiting for one expected message, with the peer's refusals and aborts turned into clear errors. */
final class Replies {
    private Replies() {}

    /** The connection ended cleanly (no bad bytes, no failed TLS) while a message was awaited. */
    static final class ConnectionLost extends MigrationException {
        ConnectionLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static <T extends Message> T expect(Connection connection, Class<T> type, Duration timeout, String during)
            throws MigrationException, InterruptedException {
        Message message;
        try {
            message = connection.receive(timeout);
        } catch (TimeoutException e) {
            throw new MigrationException("no " + name(type) + " from the peer within " + timeout.toMillis() + " ms during " + during);
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                // Bad bytes from the peer are not a lost connection (and not a silent port probe).
                if (c instanceof ProtocolException) throw new MigrationException("protocol error during " + during + ": " + Errors.describe(c), e);
                if (c instanceof SSLException) throw new MigrationException("connection lost during " + during + ": " + Errors.describe(e), e);
            }
            throw new ConnectionLost("connection lost during " + during + ": " + Errors.describe(e), e);
        }
        if (type.isInstance(message)) return type.cast(message);
        ReferenceCountUtil.release(message);
        if (message instanceof Refuse refuse) throw new MigrationException("the destination refused: " + refuse.reason());
        if (message instanceof Abort abort) throw new MigrationException("the peer aborted during " + during + ": " + abort.reason());
        throw new MigrationException("protocol error: expected " + name(type) + " during " + during + ", got "
                + message.type(), new ProtocolException("unexpected " + message.type()));
    }

    static String name(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
    }
}
