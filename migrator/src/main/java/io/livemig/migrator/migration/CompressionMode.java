package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.PageCompression;

/** {@code --compress}: how page batches are compressed; {@code auto} picks per round what moves pages fastest. */
public enum CompressionMode {
    NONE(PageCompression.NONE),
    LZ4(PageCompression.LZ4),
    ZSTD(PageCompression.ZSTD),
    AUTO(null);

    private final PageCompression fixed;

    CompressionMode(PageCompression fixed) {
        this.fixed = fixed;
    }

    /** The one codec this mode always uses, or null for {@code auto}. */
    public PageCompression fixed() {
        return fixed;
    }

    /** The word used on the command line and in the stats. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
