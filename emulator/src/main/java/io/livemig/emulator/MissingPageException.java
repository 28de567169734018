package io.livemig.emulator;

/**
 * A missing page will never arrive (the guest was stopped, or the migration that was to bring it
 * failed): the access that waited for it ends with this exception instead of blocking forever.
 */
public final class MissingPageException extends RuntimeException {
    public MissingPageException(long page, String reason) {
        super("guest page " + page + " will never arrive: " + reason);
    }
}
