package io.livemig.migrator.protocol;

/**
 * Protocol versions and the acceptance rule.
 *
 * <p>The source offers {@link #CURRENT} in {@link Hello}. The destination accepts any version in
 * {@code [MIN_SUPPORTED, CURRENT]} and answers {@link HelloAck} carrying the version both will
 * speak (the offered one); otherwise it answers {@link Abort} and closes.
 */
public final class ProtocolVersion {

    public static final int CURRENT = 1;
    public static final int MIN_SUPPORTED = 1;

    private ProtocolVersion() {
    }

    public static boolean isSupported(int version) {
        return version >= MIN_SUPPORTED && version <= CURRENT;
    }
}
