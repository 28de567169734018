package io.livemig.migrator.migration;

/**
 * During post-copy neither side holds the whole guest; when one side gives up (the other process
 * is gone, it did not come back within the recover timeout, the memory did not verify) the guest
 * is lost. The side that throws this has already stopped its half.
 */
public final class GuestLostException extends MigrationException {
    public GuestLostException(String message) {
        super(message);
    }
}
