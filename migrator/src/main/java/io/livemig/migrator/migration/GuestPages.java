package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.PageDigests;
import io.livemig.migrator.protocol.PageSink;
import io.livemig.migrator.protocol.PageSource;
import io.netty.buffer.ByteBuf;

/**
 * Guest memory as the protocol's page source and sink. A page goes from guest memory straight
 * into the frame's direct buffer (the one copy on its way to the socket) and, on the other side,
 * from the received buffer straight into guest memory; loading never marks pages dirty. The
 * receiving side records each page's CRC as it lands (the page is hot in cache then), so its
 * memory digest is ready when the last page arrives.
 */
final class GuestPages implements PageSource, PageSink {
    private final GuestMemory memory;
    private final PageDigests digests;

    /** @param digests where a receiving side records each loaded page's CRC; null on the sending side */
    GuestPages(GuestMemory memory, PageDigests digests) {
        this.memory = memory;
        this.digests = digests;
    }

    @Override
    public int pageSize() { return memory.pageSize(); }

    @Override
    public long pageCount() { return memory.pageCount(); }

    @Override
    public boolean isZeroPage(long pageIndex) { return memory.isZeroPage(pageIndex); }

    @Override
    public void copyPage(long pageIndex, ByteBuf dst) {
        int size = memory.pageSize();
        dst.ensureWritable(size);
        int at = dst.writerIndex();
        if (dst.hasMemoryAddress()) {
            memory.copyPageOut(pageIndex, dst.memoryAddress() + at);
        } else {
            dst.setBytes(at, memory.pageView(pageIndex));
        }
        dst.writerIndex(at + size);
    }

    @Override
    public void loadPage(long pageIndex, ByteBuf src) {
        int size = memory.pageSize();
        int at = src.readerIndex();
        if (src.readableBytes() < size) {
            throw new IllegalArgumentException("page " + pageIndex + " needs " + size + " bytes, " + src.readableBytes() + " left");
        }
        if (src.hasMemoryAddress()) {
            memory.loadPage(pageIndex, src.memoryAddress() + at);
        } else {
            src.getBytes(at, memory.pageView(pageIndex));
        }
        src.readerIndex(at + size);
        if (digests != null) digests.record(pageIndex);
    }

    @Override
    public void zeroPage(long pageIndex) {
        memory.zeroPage(pageIndex);
        if (digests != null) digests.recordZero(pageIndex);
    }
}
