package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.FrameFormat;
import java.time.Duration;

/**
 * @param maxPayloadBytes largest frame payload accepted from the peer
 * @param sendTimeout     longest a send may wait for the peer to drain the socket before the
 *                        connection is failed: a stuck peer must not hang the sender
 * @param tls             mutual TLS on every connection, or null for plain TCP
 */
public record ConnectionOptions(int maxPayloadBytes, Duration sendTimeout, TlsSettings tls) {

    public static final ConnectionOptions DEFAULTS =
            new ConnectionOptions(FrameFormat.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofSeconds(30));

    public ConnectionOptions {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes + " must be positive");
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("sendTimeout " + sendTimeout + " must be positive");
        }
    }

    /** Plain TCP. */
    public ConnectionOptions(int maxPayloadBytes, Duration sendTimeout) {
        this(maxPayloadBytes, sendTimeout, null);
    }

    /** The same options with mutual TLS ({@code null}: plain TCP). */
    public ConnectionOptions withTls(TlsSettings tls) {
        return new ConnectionOptions(maxPayloadBytes, sendTimeout, tls);
    }
}
