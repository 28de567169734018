package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.BlockCodec;
import io.livemig.migrator.protocol.PageCompression;

/**
 * Chooses the codec of each page batch, and hears what each batch cost. One per sending thread;
 * it owns its codecs (native contexts) until {@link #close()}.
 */
public interface BatchCompression extends AutoCloseable {

    /** The codec for the next batch, or null for none. */
    BlockCodec beforeBatch();

    /**
     * What the batch just sent cost.
     *
     * @param codec          the codec it was offered (null: none)
     * @param rawBytes       its data block before compression
     * @param wireBytes      its data block as sent
     * @param compressNanos  time spent compressing
     * @param batchNanos     time from the batch's first page to its frame handed to the socket (rate limit included)
     */
    void afterBatch(BlockCodec codec, int rawBytes, int wireBytes, long compressNanos, long batchNanos);

    /** A new round (or the stop-and-copy) starts. */
    default void roundStarted() {
    }

    @Override
    void close();

    static BatchCompression of(CompressionMode mode, long bandwidthLimitBytesPerS) {
        if (mode == CompressionMode.AUTO) return new AutoCompression(bandwidthLimitBytesPerS);
        return new Fixed(mode.fixed() == PageCompression.NONE ? null : BlockCodec.create(mode.fixed()));
    }

    /** The same codec for every batch. */
    final class Fixed implements BatchCompression {
        private final BlockCodec codec;

        Fixed(BlockCodec codec) {
            this.codec = codec;
        }

        @Override
        public BlockCodec beforeBatch() {
            return codec;
        }

        @Override
        public void afterBatch(BlockCodec codec, int rawBytes, int wireBytes, long compressNanos, long batchNanos) {
        }

        @Override
        public void close() {
            if (codec != null) codec.close();
        }
    }
}
