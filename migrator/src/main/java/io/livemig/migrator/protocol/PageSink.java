package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

/** Guest memory as the receiving side sees it; implemented by the guest memory adapter. */
public interface PageSink {

    int pageSize();

    long pageCount();

    /** Reads exactly {@link #pageSize()} bytes from {@code src.readerIndex()} into the page. */
    void loadPage(long pageIndex, ByteBuf src);

    /**
     * Loads {@code count} consecutive pages from {@code first}, whose bytes lie one after the other in
     * {@code src} from {@code srcIndex} (which may be a composite of several socket reads). Leaves
     * {@code src}'s reader index as it found it.
     */
    default void loadPages(long first, int count, ByteBuf src, int srcIndex) {
        int saved = src.readerIndex();
        for (int i = 0; i < count; i++) {
            src.readerIndex(srcIndex + i * pageSize());
            loadPage(first + i, src);
        }
        src.readerIndex(saved);
    }

    void zeroPage(long pageIndex);

    /**
     * Overwrites {@code length} bytes of the page from {@code offset} with {@code src} from
     * {@code srcIndex}: one changed run of a delta ({@link Xbzrle}). The range lies within the page.
     */
    default void patchPage(long pageIndex, int offset, ByteBuf src, int srcIndex, int length) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no delta pages");
    }

    /** Every run of a page's delta is in: the page has its new contents. */
    default void pagePatched(long pageIndex) {
    }
}
