package io.livemig.migrator.protocol;

/**
 * Source to destination, after the handshake and instead of a guest offer: {@code fillerBytes}
 * bytes of filler (zeros, discarded on arrival) to measure the link. Probes come in bursts; the
 * last message of burst {@code burst} asks for a {@link LinkProbeReply}. No guest is made, nothing
 * is kept: the connection ends when the source closes it.
 */
public record LinkProbe(int burst, boolean last, int fillerBytes) implements Message {
    /** Filler in one message: 512 KiB, as much page data as the page stream puts in one frame. */
    public static final int MAX_FILLER_BYTES = 512 * 1024;

    public LinkProbe {
        ProtocolLimits.checkRange("burst", burst, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("filler bytes", fillerBytes, 0, MAX_FILLER_BYTES);
    }

    @Override
    public MessageType type() {
        return MessageType.LINK_PROBE;
    }
}
