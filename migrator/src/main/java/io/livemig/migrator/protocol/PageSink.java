package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

/** Guest memory as the receiving side sees it; implemented by the guest memory adapter. */
public interface PageSink {

    int pageSize();

    long pageCount();

    /** Reads exactly {@link #pageSize()} bytes from {@code src.readerIndex()} into the page. */
    void loadPage(long pageIndex, ByteBuf src);

    void zeroPage(long pageIndex);
}
