package io.livemig.migrator.migration;

/**
 * A connection that closed before saying a word (a port probe, a health check): not a failed
 * migration, and not worth a line in the destination's log.
 */
public final class SilentPeerException extends MigrationException {
    SilentPeerException(Throwable cause) {
        super("the peer closed the connection without a word", cause);
    }
}
