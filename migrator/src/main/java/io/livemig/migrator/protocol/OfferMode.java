package io.livemig.migrator.protocol;

/**
 * How the source will move the offered guest (one byte of {@link GuestOffer}), so the destination
 * can prepare for it at accept: the source's {@code --mode}, after {@code --policy auto} chose.
 */
public enum OfferMode {
    /** Pre-copy rounds, then stop-and-copy: no post-copy follows. */
    PRECOPY(0),
    /** Post-copy from the start. */
    POSTCOPY(1),
    /** Pre-copy rounds, then post-copy for what is left, unless the rounds converge. */
    HYBRID(2);

    private static final OfferMode[] VALUES = values();

    private final int code;

    OfferMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether post-copy may follow: then the destination runs the guest while pages still arrive. */
    public boolean mayUsePostcopy() {
        return this != PRECOPY;
    }

    /** @throws ProtocolException for a code no source sends */
    static OfferMode fromCode(int code) {
        for (OfferMode m : VALUES) {
            if (m.code == code) return m;
        }
        throw new ProtocolException("GUEST_OFFER names the unknown mode " + code);
    }
}
