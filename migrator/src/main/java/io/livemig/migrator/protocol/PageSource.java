package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

/** Guest memory as the sending side sees it; implemented by the guest memory adapter. */
public interface PageSource {

    int pageSize();

    long pageCount();

    boolean isZeroPage(long pageIndex);

    /** Appends exactly {@link #pageSize()} bytes of the page at {@code dst.writerIndex()}. */
    void copyPage(long pageIndex, ByteBuf dst);
}
