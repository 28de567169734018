package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.zip.CRC32C;

/**
 * Builds PAGE_BATCH frames page by page. Runs of consecutive pages that the source can lend as
 * they are ({@link PageSource#wrapPages}) go to the socket straight from guest memory, with no
 * copy; shorter runs are copied once into a pooled buffer (a slice of guest memory per page would
 * cost an allocation per page). Nothing is allocated per page. Not thread-safe; one per sending
 * thread, reused batch after batch.
 *
 * <pre>{@code
 * encoder.beginBatch(connection.alloc());
 * while (more pages && !encoder.isFull()) encoder.addPage(memory, nextDirtyPage());
 * connection.sendPages(encoder.finishFrame());
 * }</pre>
 */
public final class PageBatchEncoder {

    /**
     * Default payload limit: 512 KiB of data (128 pages of 4 KiB) plus room for their entries and
     * some zero-page entries; below the receiver's 4 MiB limit.
     */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = (512 + 4) << 10;
    /** Runs shorter than this are copied rather than lent: a lent run costs a small object, a copy costs none. */
    static final int MIN_LENT_RUN_BYTES = 32 << 10;
    /** Entries per batch at most, so the header block stays small when most pages are zero. */
    static final int MAX_ENTRIES = 2048;

    private final int pageSize;
    private final int maxPayloadBytes;
    private final int maxEntries;
    private final int minLentRunPages;
    private final PageFrame frame;
    private final CRC32C crc = new CRC32C();
    private ByteBufAllocator alloc;
    private ByteBuf head;
    private int headStart;
    private ByteBuf copies;
    private int copiesHandedOut;
    private PageSource runSource;
    private long runFirstPage;
    private int runPages;
    private int normalPages;
    private int zeroPages;
    private int dataBytes;

    public PageBatchEncoder(int pageSize) {
        this(pageSize, DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /** @param maxPayloadBytes at most the receiver's frame limit, and room for one normal page */
    public PageBatchEncoder(int pageSize, int maxPayloadBytes) {
        this.pageSize = ProtocolLimits.checkPageSize(pageSize);
        if (maxPayloadBytes < PageBatch.HEADER_BYTES + PageEntry.BYTES + pageSize) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes + " cannot hold one page of "
                    + pageSize + " bytes");
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxEntries = Math.min(MAX_ENTRIES, (maxPayloadBytes - PageBatch.HEADER_BYTES) / PageEntry.BYTES);
        this.minLentRunPages = Math.max(1, MIN_LENT_RUN_BYTES / pageSize);
        int maxDataParts = maxPayloadBytes / pageSize / minLentRunPages;
        this.frame = new PageFrame(2 * maxDataParts + 4);
    }

    public void beginBatch(ByteBufAllocator alloc) {
        if (head != null) {
            throw new IllegalStateException("a batch is already open");
        }
        if (!frame.isEmpty()) {
            throw new IllegalStateException("the last frame's parts were not taken");
        }
        this.alloc = alloc;
        int headBytes = FrameFormat.HEADER_BYTES + PageBatch.HEADER_BYTES + maxEntries * PageEntry.BYTES + FrameFormat.TRAILER_BYTES;
        head = alloc.directBuffer(headBytes, headBytes);
        headStart = head.writerIndex();
        normalPages = 0;
        zeroPages = 0;
        dataBytes = 0;
        runPages = 0;
        FrameFormat.writeHeader(head, MessageType.PAGE_BATCH);
        head.writeZero(PageBatch.HEADER_BYTES);  // filled in by finishFrame
    }

    /** True when one more normal page would not fit in the frame. */
    public boolean isFull() {
        requireOpen();
        int entries = normalPages + zeroPages;
        long payload = PageBatch.HEADER_BYTES + (long) (entries + 1) * PageEntry.BYTES + dataBytes + pageSize;
        return entries >= maxEntries || payload > maxPayloadBytes;
    }

    /** Adds a page: the index alone with the zero flag for an all-zero page, else index and bytes. */
    public void addPage(PageSource source, long pageIndex) {
        if (isFull()) {
            throw new IllegalStateException("batch is full");
        }
        if (source.pageSize() != pageSize) {
            throw new IllegalArgumentException("source page size " + source.pageSize() + " != " + pageSize);
        }
        if (pageIndex < 0 || pageIndex >= source.pageCount()) {
            throw new IndexOutOfBoundsException("page " + pageIndex + " of " + source.pageCount());
        }
        if (source.isZeroPage(pageIndex)) {
            head.writeLong(PageEntry.zero(pageIndex));
            zeroPages++;
            return;
        }
        head.writeLong(PageEntry.normal(pageIndex));
        normalPages++;
        dataBytes += pageSize;
        if (runPages > 0 && source == runSource && pageIndex == runFirstPage + runPages) {
            runPages++;
        } else {
            closeRun();
            runSource = source;
            runFirstPage = pageIndex;
            runPages = 1;
        }
    }

    /**
     * Closes the batch: header, entry count, length and CRC filled in. The returned holder is this
     * encoder's, reused by the next batch: the caller takes its parts (see {@link PageFrame}).
     */
    public PageFrame finishFrame() {
        requireOpen();
        closeRun();
        handOutCopies();
        if (copies != null) {
            copies.release();
            copies = null;
        }
        int entries = normalPages + zeroPages;
        int checkedBytes = PageBatch.HEADER_BYTES + entries * PageEntry.BYTES;
        int batchHeader = headStart + FrameFormat.HEADER_BYTES;
        head.setInt(batchHeader, checkedBytes);
        head.setInt(batchHeader + 4, pageSize);
        head.setInt(batchHeader + 8, entries);
        head.setByte(batchHeader + 12, PageCompression.NONE.code());
        head.setInt(batchHeader + 16, dataBytes);
        FrameFormat.setPayloadLength(head, headStart, checkedBytes + dataBytes);
        int headEnd = headStart + FrameFormat.HEADER_BYTES + checkedBytes;
        // The CRC sits right after the entries in the same buffer, but goes out last, after the data.
        head.setInt(headEnd, FrameFormat.crc32c(crc, head, headStart, headEnd - headStart));
        frame.add(head.retainedSlice(headEnd, FrameFormat.TRAILER_BYTES));
        frame.addFirst(head);
        head = null;
        return frame;
    }

    /** Closes the batch and returns it as one buffer (a composite of its parts), which the caller owns. */
    public ByteBuf finishBatch() {
        ByteBufAllocator a = alloc;
        return finishFrame().toByteBuf(a);
    }

    /** Drops an open batch, if any, releasing its buffers; for error paths. */
    public void discardBatch() {
        if (head != null) {
            head.release();
            head = null;
        }
        if (copies != null) {
            copies.release();
            copies = null;
        }
        frame.release();
        runPages = 0;
    }

    public boolean isOpen() {
        return head != null;
    }

    /** Normal pages in the open or last finished batch. */
    public int normalPages() {
        return normalPages;
    }

    /** Zero pages in the open or last finished batch. */
    public int zeroPages() {
        return zeroPages;
    }

    /** Page data bytes in the open or last finished batch. */
    public int dataBytes() {
        return dataBytes;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The run of consecutive pages ends: lend it if long enough and the source can, else copy it. */
    private void closeRun() {
        if (runPages == 0) {
            return;
        }
        ByteBuf lent = runPages >= minLentRunPages ? runSource.wrapPages(runFirstPage, runPages) : null;
        if (lent != null) {
            if (lent.readableBytes() != runPages * pageSize) {
                lent.release();
                throw new IllegalStateException("wrapPages lent " + lent.readableBytes() + " bytes for " + runPages + " pages");
            }
            handOutCopies();
            frame.add(lent);
        } else {
            if (copies == null) {
                int capacity = maxPayloadBytes;
                copies = alloc.directBuffer(capacity, capacity);
                copiesHandedOut = copies.writerIndex();
            }
            for (int i = 0; i < runPages; i++) {
                int before = copies.writerIndex();
                runSource.copyPage(runFirstPage + i, copies);
                if (copies.writerIndex() - before != pageSize) {
                    throw new IllegalStateException("copyPage wrote " + (copies.writerIndex() - before) + " bytes, not " + pageSize);
                }
            }
        }
        runPages = 0;
    }

    /** Copied pages not yet in the frame become one part. */
    private void handOutCopies() {
        if (copies != null && copies.writerIndex() > copiesHandedOut) {
            frame.add(copies.retainedSlice(copiesHandedOut, copies.writerIndex() - copiesHandedOut));
            copiesHandedOut = copies.writerIndex();
        }
    }

    private void requireOpen() {
        if (head == null) {
            throw new IllegalStateException("no open batch: call beginBatch first");
        }
    }
}
