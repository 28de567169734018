package io.livemig.migrator.migration;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.PageDigests;
import io.livemig.migrator.protocol.PageSink;
import io.livemig.migrator.protocol.PageSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Guest memory as the protocol's page source and sink. A page goes from guest memory straight
 * into the frame's direct buffer (the one copy on its way to the socket) and, on the other side,
 * from the socket's read buffers straight into guest memory, a run of consecutive pages at a time;
 * loading never marks pages dirty. The
 * receiving side records each page's CRC as it lands (the page is hot in cache then), so its
 * memory digest is ready when the last page arrives. On the sending side, runs of consecutive pages
 * are lent as slices of guest memory itself, so they reach the socket with no copy at all.
 */
final class GuestPages implements PageSource, PageSink {
    private static final int CHUNK_SHIFT = 30;
    private static final long CHUNK_BYTES = 1L << CHUNK_SHIFT;

    private final GuestMemory memory;
    private final PageDigests digests;
    /** Guest memory as Netty buffers, one per 1 GiB chunk, made on first use; runs are slices of them. */
    private ByteBuf[] chunks;

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

    /** A run within one 1 GiB chunk, as a slice of guest memory; null for a run that crosses chunks. */
    @Override
    public ByteBuf wrapPages(long firstPage, int pageCount) {
        long offset = firstPage * memory.pageSize();
        long length = (long) pageCount * memory.pageSize();
        int chunk = (int) (offset >>> CHUNK_SHIFT);
        if ((offset + length - 1) >>> CHUNK_SHIFT != chunk) return null;
        return chunk(chunk).retainedSlice((int) (offset & (CHUNK_BYTES - 1)), (int) length);
    }

    private ByteBuf chunk(int chunk) {
        if (chunks == null) chunks = new ByteBuf[(int) ((memory.sizeBytes() + CHUNK_BYTES - 1) >>> CHUNK_SHIFT)];
        if (chunks[chunk] == null) {
            long offset = (long) chunk << CHUNK_SHIFT;
            // Never released: the wrapper frees nothing (the memory is the guest's), and slices keep counting on it.
            chunks[chunk] = Unpooled.wrappedBuffer(memory.view(offset, (int) Math.min(CHUNK_BYTES, memory.sizeBytes() - offset)));
        }
        return chunks[chunk];
    }

    @Override
    public void loadPage(long pageIndex, ByteBuf src) {
        int size = memory.pageSize();
        int at = src.readerIndex();
        if (src.readableBytes() < size) {
            throw new IllegalArgumentException("page " + pageIndex + " needs " + size + " bytes, " + src.readableBytes() + " left");
        }
        copyIn(pageIndex, 1, src, at);
        src.readerIndex(at + size);
        if (digests != null) digests.record(pageIndex);
    }

    /** A run of pages in one copy from the received bytes (a slice of a read, or a composite of reads' slices). */
    @Override
    public void loadPages(long first, int count, ByteBuf src, int srcIndex) {
        long length = (long) count * memory.pageSize();
        if (srcIndex < 0 || srcIndex + length > src.writerIndex()) {
            throw new IllegalArgumentException(count + " pages need " + length + " bytes from " + srcIndex + ", "
                    + (src.writerIndex() - srcIndex) + " there");
        }
        copyIn(first, count, src, srcIndex);
        if (digests != null) {
            for (int i = 0; i < count; i++) digests.record(first + i);
        }
    }

    /** Loading never marks pages dirty: these copies go around the guest's tracked writes. */
    private void copyIn(long first, int count, ByteBuf src, int at) {
        int size = memory.pageSize();
        if (src.hasMemoryAddress()) { // bytes of one socket read
            long address = src.memoryAddress() + at;
            for (int i = 0; i < count; i++) memory.loadPage(first + i, address + (long) i * size);
            return;
        }
        copyInto(first * size, src, at, (long) count * size);
    }

    @Override
    public void patchPage(long pageIndex, int offset, ByteBuf src, int srcIndex, int length) {
        if (src.hasMemoryAddress()) {
            memory.loadPart(pageIndex, offset, src.memoryAddress() + srcIndex, length);
        } else {
            copyInto(pageIndex * memory.pageSize() + offset, src, srcIndex, length);
        }
    }

    /**
     * Copies {@code length} bytes of {@code src} (a composite of several socket reads) from {@code at}
     * into guest memory at {@code offset}, in one part per 1 GiB chunk: Netty copies part by part, one
     * memory copy per read the bytes came in, allocating nothing.
     */
    private void copyInto(long offset, ByteBuf src, int at, long length) {
        while (length > 0) {
            int inChunk = (int) (offset & (CHUNK_BYTES - 1));
            int part = (int) Math.min(length, CHUNK_BYTES - inChunk);
            src.getBytes(at, chunk((int) (offset >>> CHUNK_SHIFT)), inChunk, part);
            offset += part;
            at += part;
            length -= part;
        }
    }

    @Override
    public void pagePatched(long pageIndex) {
        if (digests != null) digests.record(pageIndex);
    }

    @Override
    public void zeroPage(long pageIndex) {
        memory.zeroPage(pageIndex);
        if (digests != null) digests.recordZero(pageIndex);
    }
}
