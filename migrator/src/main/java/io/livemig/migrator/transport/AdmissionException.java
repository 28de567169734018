package io.livemig.migrator.transport;

import java.io.IOException;

/**
 * Why a listener's gate closed a connection that was never admitted: its handshake took too long,
 * or it made room for a newer one. The gate logs these (at most once a second), so the layers
 * above need not.
 */
public final class AdmissionException extends IOException {
    AdmissionException(String message) {
        super(message);
    }
}
