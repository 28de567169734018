package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.AuthProof;
import io.livemig.migrator.protocol.Hello;
import io.livemig.migrator.protocol.HelloAck;
import io.livemig.migrator.protocol.ProtocolVersion;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.transport.Connection;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * The opening exchange: protocol version, nonces from both sides and, with a token, mutual
 * challenge-response authentication (Hello / HelloAck / AuthProof).
 *
 * <pre>
 *   source                                         destination
 *     Hello(version, Ns)                 ------&gt;
 *                                        &lt;------  HelloAck(version, Nd, HMAC(token, "dest"|Ns|Nd))
 *     checks the destination's proof
 *     AuthProof(HMAC(token, "source"|Ns|Nd)) ---&gt;  checks the source's proof
 *     GuestOffer ...                               (read only after the proof passed)
 * </pre>
 *
 * The source checks the destination before it sends anything about its guest; the destination
 * checks the source before it reads the offer. Both nonces are fresh per connection, so a
 * recorded handshake does not pass again. Without a token both proofs are empty and are not
 * checked; a side with a token refuses a peer without one.
 */
public class Handshake {
    public static final int NONCE_BYTES = 32;
    /** The one line both sides show for a failed proof; deliberately says nothing more to the peer. */
    public static final String AUTH_FAILED = "authentication failed";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_PROOF = new byte[0];

    private final AuthToken token;

    /** No authentication: versions and nonces only. */
    public Handshake() {
        this(null);
    }

    /** Authenticates both ways with {@code token}; {@code null} means no authentication. */
    public Handshake(AuthToken token) {
        this.token = token;
    }

    public boolean authenticates() {
        return token != null;
    }

    /**
     * Source: offers our version; fails if the destination does not speak it or does not prove the token.
     *
     * @return the source nonce, which also names this migration (see {@code OutcomeQuery})
     */
    public byte[] sourceSide(Connection connection, Duration timeout) throws Exception {
        byte[] sourceNonce = nonce();
        connection.send(new Hello(ProtocolVersion.CURRENT, sourceNonce));
        HelloAck ack = Replies.expect(connection, HelloAck.class, timeout, "the handshake");
        if (ack.protocolVersion() != ProtocolVersion.CURRENT) {
            throw new MigrationException("the destination answered protocol version " + ack.protocolVersion()
                    + "; this source speaks " + ProtocolVersion.CURRENT);
        }
        byte[] proof = NO_PROOF;
        if (token != null) {
            byte[] destinationNonce = ack.nonce();
            if (!token.verify(AuthToken.Role.DESTINATION, sourceNonce, destinationNonce, ack.proof())) {
                throw new MigrationException(AUTH_FAILED + ": the destination "
                        + (ack.proof().length == 0 ? "sent no proof (no --auth-token-file there?)" : "does not hold our token"));
            }
            proof = token.proof(AuthToken.Role.SOURCE, sourceNonce, destinationNonce);
        }
        connection.send(new AuthProof(proof));
        return sourceNonce;
    }

    /**
     * Destination: accepts a version it speaks and, with a token, only a source that proves it.
     *
     * @return the source's nonce: the id of the migration this connection carries
     */
    public byte[] destinationSide(Connection connection, Duration timeout) throws Exception {
        Hello hello;
        try {
            hello = Replies.expect(connection, Hello.class, timeout, "the handshake");
        } catch (Replies.ConnectionLost e) {
            throw new SilentPeerException(e);
        }
        if (!ProtocolVersion.isSupported(hello.protocolVersion())) {
            String reason = "protocol version " + hello.protocolVersion() + " is not supported; this destination speaks "
                    + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT;
            connection.send(new Refuse(reason));
            throw new MigrationException(reason);
        }
        byte[] sourceNonce = hello.nonce();
        byte[] destinationNonce = nonce();
        byte[] proof = token == null ? NO_PROOF : token.proof(AuthToken.Role.DESTINATION, sourceNonce, destinationNonce);
        connection.send(new HelloAck(hello.protocolVersion(), destinationNonce, proof));
        AuthProof answer = Replies.expect(connection, AuthProof.class, timeout, "the handshake");
        if (token != null && !token.verify(AuthToken.Role.SOURCE, sourceNonce, destinationNonce, answer.proof())) {
            try {
                connection.send(new Refuse(AUTH_FAILED)).await(timeout.toMillis());
            } catch (Exception ignored) {
                // the peer may be gone; it learns nothing more either way
            }
            throw new MigrationException(AUTH_FAILED + ": the source "
                    + (answer.proof().length == 0 ? "sent no proof (no --auth-token-file there?)" : "does not hold our token"));
        }
        return sourceNonce;
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
