package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

/** Guest memory as the sending side sees it; implemented by the guest memory adapter. */
public interface PageSource {

    int pageSize();

    long pageCount();

    boolean isZeroPage(long pageIndex);

    /** Appends exactly {@link #pageSize()} bytes of the page at {@code dst.writerIndex()}. */
    void copyPage(long pageIndex, ByteBuf dst);

    /**
     * Lends {@code pageCount} consecutive pages as they are, for sending without a copy: a buffer of
     * exactly their bytes that reads guest memory itself (the caller releases it), or null when
     * this source cannot lend them, and they are copied instead.
     */
    default ByteBuf wrapPages(long firstPage, int pageCount) {
        return null;
    }
}
