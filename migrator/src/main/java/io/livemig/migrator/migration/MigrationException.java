package io.livemig.migrator.migration;

/** A migration ended without handing the guest over; the message is one line for the user. */
public class MigrationException extends Exception {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
