package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.BlockCodec;
import io.livemig.migrator.protocol.PageCompression;

/**
 * {@code --compress auto}: at the start of every round, a few probe batches go out with each
 * choice (none, LZ4, zstd, all really sent), which measure the link rate L (bytes on the wire per
 * second, or the {@code --bandwidth} limit when there is one), each codec's ratio r (wire/raw) and
 * its speed C (raw bytes compressed per second on this thread). The rest of the round uses the
 * choice that moves the most page bytes per second: {@code L} for none, {@code min(C, L / r)} for a
 * codec, which must beat none by 5 % to be taken. On a fast link nothing beats sending as is; on a
 * slow one the codec with the best ratio wins as long as it keeps up. Estimates are moving averages,
 * so one noisy batch does not flip the choice.
 */
final class AutoCompression implements BatchCompression {
    /** Probe batches per round: enough uncompressed ones to time the link, two per codec for ratio and speed. */
    static final int NONE_PROBES = 8;
    static final int CODEC_PROBES = 2;
    static final double MARGIN = 1.05;
    private static final double WEIGHT = 0.3;

    private final long limitBytesPerS;
    private final BlockCodec lz4 = BlockCodec.create(PageCompression.LZ4);
    private final BlockCodec zstd = BlockCodec.create(PageCompression.ZSTD);
    private final double[] ratio = {1, 1, 1};
    private final double[] speedBytesPerS = {Double.MAX_VALUE, 0, 0};
    private double linkBytesPerS;
    private int probe;
    private PageCompression chosen = PageCompression.NONE;

    AutoCompression(long limitBytesPerS) {
        this.limitBytesPerS = limitBytesPerS;
    }

    @Override
    public BlockCodec beforeBatch() {
        PageCompression next = probe < NONE_PROBES ? PageCompression.NONE
                : probe < NONE_PROBES + CODEC_PROBES ? PageCompression.LZ4
                : probe < NONE_PROBES + 2 * CODEC_PROBES ? PageCompression.ZSTD
                : chosen;
        return codec(next);
    }

    @Override
    public void afterBatch(BlockCodec codec, int rawBytes, int wireBytes, long compressNanos, long batchNanos) {
        if (rawBytes > 0) {
            if (codec == null) {
                if (batchNanos > 0) linkBytesPerS = average(linkBytesPerS, wireBytes * 1e9 / batchNanos);
            } else {
                int i = codec.compression().ordinal();
                ratio[i] = average(ratio[i], (double) wireBytes / rawBytes);
                if (compressNanos > 0) speedBytesPerS[i] = average(speedBytesPerS[i], rawBytes * 1e9 / compressNanos);
            }
        }
        if (probe < NONE_PROBES + 2 * CODEC_PROBES && ++probe == NONE_PROBES + 2 * CODEC_PROBES) chosen = choose();
    }

    @Override
    public void roundStarted() {
        probe = 0;
    }

    /** The choice of the current round (none until the probes are done). */
    PageCompression chosen() {
        return chosen;
    }

    PageCompression choose() {
        double link = limitBytesPerS > 0 ? limitBytesPerS : linkBytesPerS;
        if (link <= 0) return PageCompression.NONE;
        PageCompression best = PageCompression.NONE;
        double bestRate = link * MARGIN;
        for (PageCompression c : new PageCompression[] {PageCompression.LZ4, PageCompression.ZSTD}) {
            int i = c.ordinal();
            double rate = Math.min(speedBytesPerS[i], link / Math.max(ratio[i], 1e-3));
            if (rate > bestRate) {
                best = c;
                bestRate = rate;
            }
        }
        return best;
    }

    private BlockCodec codec(PageCompression c) {
        return switch (c) {
            case NONE -> null;
            case LZ4 -> lz4;
            case ZSTD -> zstd;
        };
    }

    private static double average(double old, double sample) {
        return old <= 0 || old == Double.MAX_VALUE ? sample : old + WEIGHT * (sample - old);
    }

    @Override
    public void close() {
        lz4.close();
        zstd.close();
    }
}
