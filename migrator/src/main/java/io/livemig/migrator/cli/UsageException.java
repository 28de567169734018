package io.livemig.migrator.cli;

/** Bad input found after parsing (e.g. a workload that does not fit): one line, exit status 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
