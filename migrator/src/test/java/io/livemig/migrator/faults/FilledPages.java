package io.livemig.migrator.faults;

import io.livemig.migrator.protocol.PageSource;
import io.netty.buffer.ByteBuf;

/** Pages of 0x5A bytes, never zero: material for hand-made page batches. */
final class FilledPages implements PageSource {
    private final int pageSize;

    FilledPages(int pageSize) {
        this.pageSize = pageSize;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public long pageCount() {
        return Long.MAX_VALUE / pageSize;
    }

    @Override
    public boolean isZeroPage(long pageIndex) {
        return false;
    }

    @Override
    public void copyPage(long pageIndex, ByteBuf dst) {
        for (int i = 0; i < pageSize; i++) dst.writeByte(0x5A);
    }
}
