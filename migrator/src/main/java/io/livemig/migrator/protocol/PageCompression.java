package io.livemig.migrator.protocol;

/** How a PAGE_BATCH's data block is compressed (one byte of its header). */
public enum PageCompression {
    NONE(0),
    LZ4(1),
    ZSTD(2);

    private static final PageCompression[] VALUES = values();

    private final int code;

    PageCompression(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @throws ProtocolException for a code no codec uses */
    static PageCompression fromCode(int code) {
        for (PageCompression c : VALUES) {
            if (c.code == code) return c;
        }
        throw new ProtocolException("PAGE_BATCH names the unknown compression " + code);
    }
}
