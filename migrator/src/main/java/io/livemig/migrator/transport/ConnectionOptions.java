package io.livemig.migrator.transport;

import io.livemig.migrator.protocol.FrameFormat;
import java.time.Duration;

/**
 * @param maxPayloadBytes largest frame payload accepted from the peer
 * @param sendTimeout     longest a send may wait for the peer to drain the socket before the
 *                        connection is failed: a stuck peer must not hang the sender
 * @param tls             mutual TLS on every connection, or null for plain TCP
 * @param stallTimeout    a connection on which no byte moves, either way, for this long has
 *                        stalled: it fails, so whoever waits on it learns at once
 */
public record ConnectionOptions(int maxPayloadBytes, Duration sendTimeout, TlsSettings tls, Duration stallTimeout) {

    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    public static final ConnectionOptions DEFAULTS =
            new ConnectionOptions(FrameFormat.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofSeconds(30));

    public ConnectionOptions {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes + " must be positive");
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("sendTimeout " + sendTimeout + " must be positive");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stall timeout " + stallTimeout + " must be positive");
        }
    }

    /** Plain TCP, the default stall timeout. */
    public ConnectionOptions(int maxPayloadBytes, Duration sendTimeout) {
        this(maxPayloadBytes, sendTimeout, null, DEFAULT_STALL_TIMEOUT);
    }

    /** The default stall timeout. */
    public ConnectionOptions(int maxPayloadBytes, Duration sendTimeout, TlsSettings tls) {
        this(maxPayloadBytes, sendTimeout, tls, DEFAULT_STALL_TIMEOUT);
    }

    /** The same options with mutual TLS ({@code null}: plain TCP). */
    public ConnectionOptions withTls(TlsSettings tls) {
        return new ConnectionOptions(maxPayloadBytes, sendTimeout, tls, stallTimeout);
    }

    /** The same options with another stall timeout. */
    public ConnectionOptions withStallTimeout(Duration timeout) {
        return new ConnectionOptions(maxPayloadBytes, sendTimeout, tls, timeout);
    }
}
