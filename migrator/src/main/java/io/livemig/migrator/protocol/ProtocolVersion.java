package io.livemig.migrator.protocol;

/**
 * Protocol versions and the acceptance rule.
 *
 * <p>The source offers {@link #CURRENT} in {@link Hello}. The destination accepts any version in
 * {@code [MIN_SUPPORTED, CURRENT]} and answers {@link HelloAck} carrying the version both will
 * speak (the offered one); otherwise it answers {@link Abort} and closes.
 *
 * <p>Version 2: PAGE_BATCH carries its entries first and the page bytes after them as a data tail
 * outside the CRC (sent straight from guest memory), with room for delta entries and a compressed
 * data block. Version 1's interleaved layout is no longer read.
 *
 * <p>Version 3: GUEST_OFFER ends with the source's mode ({@link OfferMode}), so a destination knows
 * at accept whether post-copy may follow. The codec reads one layout per message, and a source
 * speaks only {@link #CURRENT}, so version 2 is refused at the handshake rather than read as an
 * offer that says nothing of its mode.
 *
 * <p>Version 4: the source measures the clocks' offset again after the guest resumed on the
 * destination (CLOCK_PROBE in AWAIT_DIGEST_CHECK and AWAIT_LATENCY_REQUEST), no longer just before
 * the pause; a version-3 destination would take that probe for a protocol error.
 */
public final class ProtocolVersion {

    public static final int CURRENT = 4;
    public static final int MIN_SUPPORTED = 4;

    private ProtocolVersion() {
    }

    public static boolean isSupported(int version) {
        return version >= MIN_SUPPORTED && version <= CURRENT;
    }
}
