package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.transport.Connection;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * The opening exchange: protocol version and nonces (Hello / HelloAck). The nonces are what an
 * authenticating handshake builds on; this one checks versions only.
 */
public class Handshake {
    public static final int NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Source: offers our version; fails if the destination does not speak it. */
    public void sourceSide(Connection connection, Duration timeout) throws Exception {
        connection.send(new Hello(ProtocolVersion.CURRENT, nonce()));
        HelloAck ack = Replies.expect(connection, HelloAck.class, timeout, "the handshake");
        if (ack.protocolVersion() != ProtocolVersion.CURRENT) {
            throw new MigrationException("the destination answered protocol version " + ack.protocolVersion()
                    + "; this source speaks " + ProtocolVersion.CURRENT);
        }
    }

    /** Destination: accepts a version it speaks, else refuses with the reason. */
    public void destinationSide(Connection connection, Duration timeout) throws Exception {
        Hello hello = Replies.expect(connection, Hello.class, timeout, "the handshake");
        if (!ProtocolVersion.isSupported(hello.protocolVersion())) {
            String reason = "protocol version " + hello.protocolVersion() + " is not supported; this destination speaks "
                    + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT;
            connection.send(new Refuse(reason));
            throw new MigrationException(reason);
        }
        connection.send(new HelloAck(hello.protocolVersion(), nonce(), new byte[0]));
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
