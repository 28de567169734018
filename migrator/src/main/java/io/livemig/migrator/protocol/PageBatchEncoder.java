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
 * <p>With a {@link DeltaCache} ({@link #deltasFrom}) each page is first copied out of guest memory
 * (a snapshot: the delta and the cache must describe the same bytes, which a running guest could
 * change under a lent page), then goes as an {@link Xbzrle} delta against its cached copy when that
 * takes at most half a page, else whole; the cache then holds the snapshot. With a
 * {@link BlockCodec} ({@link #compressWith}) the data block is compressed as one unit, and sent
 * as it is when that does not make it smaller. Both turn lending off: their bytes are copies.
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
    private int deltaPages;
    private int dataBytes;
    private int dataWireBytes;
    private long compressNanos;
    private BlockCodec codec;
    private DeltaCache cache;
    private ByteBuf snapshot;

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
        deltaPages = 0;
        dataBytes = 0;
        dataWireBytes = 0;
        compressNanos = 0;
        runPages = 0;
        FrameFormat.writeHeader(head, MessageType.PAGE_BATCH);
        head.writeZero(PageBatch.HEADER_BYTES);  // filled in by finishFrame
    }

    /** Compresses the data block of the next batches with {@code codec}; null: no compression. */
    public void compressWith(BlockCodec codec) {
        if (head != null) throw new IllegalStateException("a batch is open");
        this.codec = codec;
    }

    /** The codec of the next (or open) batch; null for none. */
    public BlockCodec codec() {
        return codec;
    }

    /** Sends pages the cache holds as deltas against it, and keeps it up to date; null: no deltas. */
    public void deltasFrom(DeltaCache cache) {
        if (head != null) throw new IllegalStateException("a batch is open");
        if (cache != null && cache.pageSize() != pageSize) throw new IllegalArgumentException("cache of another page size");
        this.cache = cache;
    }

    /** True when one more normal page would not fit in the frame. */
    public boolean isFull() {
        requireOpen();
        int entries = normalPages + zeroPages + deltaPages;
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
            if (cache != null) cache.forget(pageIndex);
            return;
        }
        if (cache != null) {
            addThroughCache(source, pageIndex);
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

    /** Snapshot, then a delta against the cached copy if it is small, else the whole page; the cache keeps the snapshot. */
    private void addThroughCache(PageSource source, long pageIndex) {
        if (snapshot == null) snapshot = alloc.directBuffer(pageSize, pageSize);
        snapshot.clear();
        source.copyPage(pageIndex, snapshot);
        ByteBuf data = copies();
        int slot = cache.lookup(pageIndex);
        int delta = slot < 0 ? -1 : Xbzrle.encode(cache.store(), cache.offset(slot), snapshot, 0, pageSize, data, pageSize / 2);
        if (delta >= 0) {
            head.writeLong(PageEntry.delta(pageIndex, delta));
            deltaPages++;
            dataBytes += delta;
        } else {
            head.writeLong(PageEntry.normal(pageIndex));
            data.writeBytes(snapshot, 0, pageSize);
            normalPages++;
            dataBytes += pageSize;
            slot = cache.slotFor(pageIndex);
        }
        cache.store().setBytes(cache.offset(slot), snapshot, 0, pageSize);
    }

    private ByteBuf copies() {
        if (copies == null) {
            copies = alloc.directBuffer(maxPayloadBytes, maxPayloadBytes);
            copiesHandedOut = copies.writerIndex();
        }
        return copies;
    }

    /**
     * Closes the batch: header, entry count, length and CRC filled in. The returned holder is this
     * encoder's, reused by the next batch: the caller takes its parts (see {@link PageFrame}).
     */
    public PageFrame finishFrame() {
        requireOpen();
        closeRun();
        PageCompression compression = compressCopies() ? codec.compression() : PageCompression.NONE;
        handOutCopies();
        if (copies != null) {
            copies.release();
            copies = null;
        }
        int entries = normalPages + zeroPages + deltaPages;
        int checkedBytes = PageBatch.HEADER_BYTES + entries * PageEntry.BYTES;
        int batchHeader = headStart + FrameFormat.HEADER_BYTES;
        head.setInt(batchHeader, checkedBytes);
        head.setInt(batchHeader + 4, pageSize);
        head.setInt(batchHeader + 8, entries);
        head.setByte(batchHeader + 12, compression.code());
        head.setInt(batchHeader + 16, dataBytes);
        if (compression == PageCompression.NONE) dataWireBytes = dataBytes;
        FrameFormat.setPayloadLength(head, headStart, checkedBytes + dataWireBytes);
        int headEnd = headStart + FrameFormat.HEADER_BYTES + checkedBytes;
        // The CRC sits right after the entries in the same buffer, but goes out last, after the data.
        head.setInt(headEnd, FrameFormat.crc32c(crc, head, headStart, headEnd - headStart));
        frame.add(head.retainedSlice(headEnd, FrameFormat.TRAILER_BYTES));
        frame.addFirst(head);
        head = null;
        return frame;
    }

    /**
     * With a codec, compresses the copied data block; keeps the result (as the data part) only if
     * smaller. All data is in {@code copies} then, since a codec turns lending off.
     */
    private boolean compressCopies() {
        if (codec == null || copies == null || dataBytes == 0) return false;
        long start = System.nanoTime();
        ByteBuf compressed = alloc.directBuffer(codec.maxCompressedBytes(dataBytes));
        int length = codec.compress(copies, copiesHandedOut, dataBytes, compressed);
        compressNanos = System.nanoTime() - start;
        if (length >= dataBytes) {
            compressed.release();
            return false;
        }
        copiesHandedOut = copies.writerIndex();  // the raw copies stay behind; the compressed block goes instead
        frame.add(compressed);
        dataWireBytes = length;
        return true;
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

    /** Releases the snapshot buffer; the encoder can still be used (it makes a new one). */
    public void close() {
        discardBatch();
        if (snapshot != null) {
            snapshot.release();
            snapshot = null;
        }
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

    /** Delta pages in the open or last finished batch. */
    public int deltaPages() {
        return deltaPages;
    }

    /** Data block bytes before compression (whole pages and deltas) in the open or last finished batch. */
    public int dataBytes() {
        return dataBytes;
    }

    /** Data block bytes on the wire in the last finished batch: compressed, or as they were. */
    public int dataWireBytes() {
        return dataWireBytes;
    }

    /** Time the last finished batch spent compressing (0 without a codec). */
    public long compressNanos() {
        return compressNanos;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The run of consecutive pages ends: lend it if long enough and the source can, else copy it. */
    private void closeRun() {
        if (runPages == 0) {
            return;
        }
        boolean mayLend = codec == null && cache == null && runPages >= minLentRunPages;
        ByteBuf lent = mayLend ? runSource.wrapPages(runFirstPage, runPages) : null;
        if (lent != null) {
            if (lent.readableBytes() != runPages * pageSize) {
                lent.release();
                throw new IllegalStateException("wrapPages lent " + lent.readableBytes() + " bytes for " + runPages + " pages");
            }
            handOutCopies();
            frame.add(lent);
        } else {
            ByteBuf copies = copies();
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
