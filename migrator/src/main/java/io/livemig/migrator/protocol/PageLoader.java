package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Loads decoded {@link PageBatch}es into a {@link PageSink}: whole pages, zero pages and
 * {@link Xbzrle} deltas, from a data block that is decompressed first if it came compressed.
 * Everything in a batch is checked before anything is loaded (page size, every index, every
 * delta), so a batch that fails changes nothing. Nothing is allocated per page; a compressed block
 * is decompressed into one scratch buffer kept from batch to batch. Not thread-safe: one per
 * loading thread, reused batch after batch, closed at the end.
 */
public final class PageLoader implements AutoCloseable {
    private final BlockCodec[] codecs = new BlockCodec[PageCompression.values().length];
    private ByteBuf scratch;
    private ByteBuf gathered;

    /**
     * Loads every page of {@code batch} into {@code sink}, then releases the batch (also when it fails).
     *
     * @throws ProtocolException if the page size is not the sink's, an index is out of range, a
     *                           delta is malformed or the data block does not decompress to its size
     */
    public void load(PageBatch batch, PageSink sink) {
        if (batch.refCnt() == 0) {
            throw new IllegalStateException("page batch already applied or released");
        }
        try {
            if (sink.pageSize() != batch.pageSize()) {
                throw new ProtocolException("PAGE_BATCH page size " + batch.pageSize() + " differs from the negotiated "
                        + sink.pageSize());
            }
            ByteBuf body = batch.body();
            int entriesAt = body.readerIndex();  // fixed here: loading moves the reader index
            int entries = batch.pageCount();
            int dataAt = entriesAt + entries * PageEntry.BYTES;
            ByteBuf data = body;
            if (batch.compression() != PageCompression.NONE) {
                data = decompress(batch, body, dataAt);
                dataAt = data.readerIndex();
            }
            check(batch, body, entriesAt, data, dataAt, sink.pageCount());
            loadPages(batch, sink, body, entriesAt, data, dataAt);
        } finally {
            batch.release();
        }
    }

    private ByteBuf decompress(PageBatch batch, ByteBuf body, int dataAt) {
        int index = batch.compression().ordinal();
        if (codecs[index] == null) codecs[index] = BlockCodec.create(batch.compression());
        scratch = fit(scratch, batch.dataBytes());
        int compressedBytes = body.writerIndex() - dataAt;
        ByteBuf in = body;
        if (body.nioBufferCount() > 1) {
            // A frame that spanned socket reads: the codecs read one contiguous block, gathered here once.
            gathered = fit(gathered, compressedBytes);
            gathered.writeBytes(body, dataAt, compressedBytes);
            in = gathered;
            dataAt = 0;
        }
        codecs[index].decompress(in, dataAt, compressedBytes, scratch, batch.dataBytes());
        return scratch;
    }

    /** {@code buffer} cleared, or a bigger one in its place when it cannot hold {@code bytes}. */
    private static ByteBuf fit(ByteBuf buffer, int bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            if (buffer != null) buffer.release();
            buffer = ByteBufAllocator.DEFAULT.directBuffer(Math.max(bytes, 1 << 20));
        }
        return buffer.clear();
    }

    /** Every index within the guest, every delta well formed. */
    private static void check(PageBatch batch, ByteBuf body, int entriesAt, ByteBuf data, int at, long sinkPageCount) {
        int pageSize = batch.pageSize();
        for (int i = 0, n = batch.pageCount(); i < n; i++) {
            long entry = body.getLong(entriesAt + i * PageEntry.BYTES);
            long pageIndex = PageEntry.pageIndex(entry);
            if (pageIndex >= sinkPageCount) {
                throw new ProtocolException("PAGE_BATCH page index " + pageIndex + " out of range: guest has "
                        + sinkPageCount + " pages");
            }
            if (PageEntry.kind(entry) == PageEntry.DELTA) {
                Xbzrle.check(data, at, PageEntry.deltaLength(entry), pageSize);
            }
            at += PageEntry.dataBytes(entry, pageSize);
        }
    }

    private static void loadPages(PageBatch batch, PageSink sink, ByteBuf body, int entriesAt, ByteBuf data, int at) {
        int pageSize = batch.pageSize();
        for (int i = 0, n = batch.pageCount(); i < n; ) {
            long entry = body.getLong(entriesAt + i * PageEntry.BYTES);
            long pageIndex = PageEntry.pageIndex(entry);
            switch (PageEntry.kind(entry)) {
                case PageEntry.ZERO -> {
                    sink.zeroPage(pageIndex);
                    i++;
                }
                case PageEntry.DELTA -> {
                    int length = PageEntry.deltaLength(entry);
                    Xbzrle.apply(data, at, length, pageSize, sink, pageIndex);
                    sink.pagePatched(pageIndex);
                    at += length;
                    i++;
                }
                default -> {
                    int run = wholePagesFollowing(body, entriesAt, i, n, pageIndex);
                    sink.loadPages(pageIndex, run, data, at);
                    at += run * pageSize;
                    i += run;
                }
            }
        }
    }

    /** How many whole pages, from entry {@code i} (one, of page {@code first}), are of consecutive pages. */
    private static int wholePagesFollowing(ByteBuf body, int entriesAt, int i, int n, long first) {
        int run = 1;
        while (i + run < n) {
            long next = body.getLong(entriesAt + (i + run) * PageEntry.BYTES);
            if (PageEntry.kind(next) != PageEntry.NORMAL || PageEntry.pageIndex(next) != first + run) break;
            run++;
        }
        return run;
    }

    @Override
    public void close() {
        for (BlockCodec codec : codecs) {
            if (codec != null) codec.close();
        }
        if (scratch != null) {
            scratch.release();
            scratch = null;
        }
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }
}
