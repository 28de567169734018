package io.livemig.migrator.estimate;

import io.livemig.emulator.GuestMemory;
import io.livemig.migrator.migration.CompressionMode;
import io.livemig.migrator.protocol.BlockCodec;
import io.livemig.migrator.protocol.PageCompression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the guest's pages compress, for the codecs {@code --compress} may use: a sample of pages
 * holding data, spread over memory, compressed in batches of the sender's size. With a codec the
 * pages move at the link's rate times the ratio, unless compressing them is slower than that; the
 * model then sees a link of that page rate ({@link #pageRate}).
 *
 * @param codecs one figure per codec measured; none when no codec was asked for or no page holds data
 */
public record Compressibility(List<CodecFigure> codecs) {
    /** Nothing measured: pages move at the link's rate. */
    public static final Compressibility NONE = new Compressibility(List.of());
    /** The sample: at most this many pages holding data. */
    static final int SAMPLE_PAGES = 512;
    /** Pages per batch, as the sender's 512 KiB frames hold. */
    static final int BATCH_PAGES = 128;

    /**
     * @param codec        the codec
     * @param ratio        raw bytes over compressed bytes (a batch that does not shrink counts as sent raw)
     * @param rawBytesPerS raw bytes one thread compresses per second
     */
    public record CodecFigure(PageCompression codec, double ratio, double rawBytesPerS) {}

    public Compressibility {
        codecs = List.copyOf(codecs);
    }

    /** Samples {@code memory} for the codecs {@code mode} may use (none for {@code none}). */
    public static Compressibility measure(GuestMemory memory, CompressionMode mode) {
        List<PageCompression> wanted = mode == CompressionMode.AUTO ? List.of(PageCompression.LZ4, PageCompression.ZSTD)
                : mode.fixed() == PageCompression.NONE ? List.of() : List.of(mode.fixed());
        if (wanted.isEmpty()) return NONE;
        ByteBuf pages = samplePages(memory);
        try {
            if (pages.readableBytes() == 0) return NONE;
            List<CodecFigure> figures = new ArrayList<>();
            for (PageCompression codec : wanted) figures.add(measure(codec, pages, memory.pageSize()));
            return new Compressibility(figures);
        } finally {
            pages.release();
        }
    }

    /**
     * The rate pages move at over a link of {@code linkBytesPerS} with {@code mode}: the best of
     * the codecs it may use (and of none, for {@code auto}), each bounded by its own speed.
     */
    public double pageRate(double linkBytesPerS, CompressionMode mode) {
        double best = mode == CompressionMode.AUTO || codecs.isEmpty() ? linkBytesPerS : 0;
        for (CodecFigure f : codecs) {
            if (mode != CompressionMode.AUTO && f.codec() != mode.fixed()) continue;
            best = Math.max(best, Math.min(linkBytesPerS * f.ratio(), f.rawBytesPerS()));
        }
        return best > 0 ? best : linkBytesPerS;
    }

    /** For people: each codec's ratio and speed. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (CodecFigure f : codecs) {
            parts.add(String.format(Locale.ROOT, "%s %.1fx at %.0f MiB/s", f.codec().name().toLowerCase(Locale.ROOT), f.ratio(),
                    f.rawBytesPerS() / 1048576.0));
        }
        return String.join(", ", parts);
    }

    private static ByteBuf samplePages(GuestMemory memory) {
        long pageCount = memory.pageCount();
        long stride = Math.max(1, pageCount / (8L * SAMPLE_PAGES));
        ByteBuf pages = Unpooled.directBuffer(SAMPLE_PAGES * memory.pageSize());
        byte[] scratch = new byte[memory.pageSize()];
        for (long page = 0, taken = 0; page < pageCount && taken < SAMPLE_PAGES; page += stride) {
            if (memory.isZeroPage(page)) continue; // round 0 skips them: no codec sees them
            memory.copyPageOut(page, scratch, 0);
            pages.writeBytes(scratch);
            taken++;
        }
        return pages;
    }

    private static CodecFigure measure(PageCompression compression, ByteBuf pages, int pageSize) {
        int batchBytes = BATCH_PAGES * pageSize;
        try (BlockCodec codec = BlockCodec.create(compression)) {
            ByteBuf out = Unpooled.directBuffer(codec.maxCompressedBytes(batchBytes));
            try {
                compressAll(codec, pages, batchBytes, out); // the first pass loads and warms the codec
                long raw = 0;
                long sent = 0;
                long start = System.nanoTime();
                for (int at = 0; at < pages.readableBytes(); at += batchBytes) {
                    int length = Math.min(batchBytes, pages.readableBytes() - at);
                    out.clear();
                    int written = codec.compress(pages, at, length, out);
                    raw += length;
                    sent += Math.min(written, length);
                }
                long nanos = Math.max(1, System.nanoTime() - start);
                return new CodecFigure(compression, (double) raw / sent, raw * 1e9 / nanos);
            } finally {
                out.release();
            }
        }
    }

    private static void compressAll(BlockCodec codec, ByteBuf pages, int batchBytes, ByteBuf out) {
        for (int at = 0; at < pages.readableBytes(); at += batchBytes) {
            out.clear();
            codec.compress(pages, at, Math.min(batchBytes, pages.readableBytes() - at), out);
        }
    }
}
