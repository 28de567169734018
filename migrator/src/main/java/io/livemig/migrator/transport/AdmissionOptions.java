package io.livemig.migrator.transport;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a listener grants a connection before it is admitted (authenticated and accepted by the
 * layer above, see {@link Connection#admitted()}).
 *
 * @param handshakeTimeout the whole handshake must be done within this, from the accept; bytes
 *                         trickling in do not extend it
 * @param maxPending       at most this many connections wait for admission at once; when another
 *                         arrives, the oldest that has not yet sent a complete message (else the
 *                         oldest) is closed at once
 * @param log              hears, at most once a second, how many connections were closed for either reason
 */
public record AdmissionOptions(Duration handshakeTimeout, int maxPending, Consumer<String> log) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_PENDING = 16;

    public static final AdmissionOptions DEFAULTS =
            new AdmissionOptions(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_PENDING, line -> System.err.println("livemig: " + line));

    public AdmissionOptions {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, got " + handshakeTimeout);
        }
        if (maxPending < 1) throw new IllegalArgumentException("max pending must be >= 1, got " + maxPending);
    }
}
