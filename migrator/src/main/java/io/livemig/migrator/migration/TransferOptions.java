package io.livemig.migrator.migration;

/**
 * How pages travel: compression of each batch, XBZRLE deltas, and the number of data channels.
 *
 * @param compression  {@code --compress}: none, lz4, zstd, or auto (measured each round)
 * @param xbzrleBytes  {@code --xbzrle}: the delta cache's size in bytes; 0 = no deltas
 * @param channels     {@code --channels}: data connections beside the control connection
 */
public record TransferOptions(CompressionMode compression, long xbzrleBytes, int channels) {
    public static final TransferOptions DEFAULTS = new TransferOptions(CompressionMode.NONE, 0, 1);
    /** One cache per channel, each at most this big (slot offsets are ints). */
    public static final long MAX_XBZRLE_BYTES_PER_CHANNEL = io.livemig.migrator.protocol.DeltaCache.MAX_BYTES;
    public static final int MAX_CHANNELS = 64;

    public TransferOptions {
        if (compression == null) throw new IllegalArgumentException("compression must be given");
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels must be 1.." + MAX_CHANNELS + ", got " + channels);
        }
        if (xbzrleBytes < 0) throw new IllegalArgumentException("xbzrle cache size must be >= 0 (0 = off)");
        if (xbzrleBytes / channels > MAX_XBZRLE_BYTES_PER_CHANNEL) {
            throw new IllegalArgumentException("xbzrle cache of " + xbzrleBytes + " bytes exceeds 1 GiB per channel");
        }
    }

    /**
     * The command line's default: a channel per two cores, at least 1, at most 4. Each channel
     * costs a sender thread and an I/O thread on the source and as many on the destination, so on
     * a 2-core host one channel (the pages on the control connection) is the default.
     */
    public static int defaultChannels() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    }

    public TransferOptions withCompression(CompressionMode mode) {
        return new TransferOptions(mode, xbzrleBytes, channels);
    }

    public TransferOptions withXbzrle(long bytes) {
        return new TransferOptions(compression, bytes, channels);
    }

    public TransferOptions withChannels(int n) {
        return new TransferOptions(compression, xbzrleBytes, n);
    }
}
