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
        Message message = receive(connection, timeout, name(type), during);
        if (type.isInstance(message)) return type.cast(message);
        ReferenceCountUtil.release(message);
        if (message instanceof Refuse refuse) throw new MigrationException("the destination refused: " + refuse.reason());
        if (message instanceof Abort abort) throw new MigrationException("the peer aborted during " + during + ": " + abort.reason());
        throw new MigrationException("protocol error: expected " + name(type) + " during " + during + ", got "
                + message.type(), new ProtocolException("unexpected " + message.type()));
    }

    /**
     * The next message, whatever it is; a timeout, bad bytes or a lost connection become a
     * {@link MigrationException} naming {@code awaited} and {@code during}.
     */
    static Message receive(Connection connection, Duration timeout, String awaited, String during)
            throws MigrationException, InterruptedException {
        try {
            return connection.receive(timeout);
        } catch (TimeoutException e) {
            throw new MigrationException("no " + awaited + " from the peer within " + timeout.toMillis() + " ms during " + during);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                // Bad bytes from the peer are not a lost connection (and not a silent port probe).
                if (c instanceof ProtocolException) throw new MigrationException("protocol error during " + during + ": " + Errors.describe(c), e);
                if (c instanceof SSLException) throw new MigrationException("connection lost during " + during + ": " + Errors.describe(e), e);
            }
            throw new ConnectionLost("connection lost during " + during + ": " + Errors.describe(e), e);
        }
    }

    static String name(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
    }
}
