package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Loads decoded {@link PageBatch}es into a {@link PageSink}. Everything in a batch is checked
 * before anything is loaded (page size, every index), so a batch that fails changes nothing.
 * Nothing is allocated per page. Not thread-safe: one per loading thread, reused batch after batch.
 */
public final class PageLoader implements AutoCloseable {

    /**
     * Loads every page of {@code batch} into {@code sink}, then releases the batch (also when it fails).
     *
     * @throws ProtocolException if the page size is not the sink's, an index is out of range, or the
     *                           batch uses an encoding this loader cannot read
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
            if (batch.compression() != PageCompression.NONE) {
                throw new ProtocolException("PAGE_BATCH compressed with " + batch.compression() + ", which this destination cannot read");
            }
            if (batch.deltaPages() != 0) {
                throw new ProtocolException("PAGE_BATCH carries delta pages, which this destination cannot read");
            }
            ByteBuf body = batch.body();
            int entriesAt = body.readerIndex();  // fixed here: loading moves the reader index
            checkIndices(body, entriesAt, batch.pageCount(), sink.pageCount());
            loadPages(batch, sink, entriesAt, body, entriesAt + batch.pageCount() * PageEntry.BYTES);
        } finally {
            batch.release();
        }
    }

    private static void checkIndices(ByteBuf body, int entriesAt, int entries, long sinkPageCount) {
        for (int i = 0; i < entries; i++) {
            long pageIndex = PageEntry.pageIndex(body.getLong(entriesAt + i * PageEntry.BYTES));
            if (pageIndex >= sinkPageCount) {
                throw new ProtocolException("PAGE_BATCH page index " + pageIndex + " out of range: guest has "
                        + sinkPageCount + " pages");
            }
        }
    }

    /** Applies the entries with their bytes read from {@code data} starting at {@code at}. */
    private static void loadPages(PageBatch batch, PageSink sink, int entriesAt, ByteBuf data, int at) {
        int pageSize = batch.pageSize();
        ByteBuf body = batch.body();
        for (int i = 0, n = batch.pageCount(); i < n; i++) {
            long entry = body.getLong(entriesAt + i * PageEntry.BYTES);
            long pageIndex = PageEntry.pageIndex(entry);
            if (PageEntry.kind(entry) == PageEntry.ZERO) {
                sink.zeroPage(pageIndex);
            } else {
                // The sink reads from readerIndex; position it each time rather than trusting how far it read.
                data.readerIndex(at);
                sink.loadPage(pageIndex, data);
                at += pageSize;
            }
        }
    }

    @Override
    public void close() {
        // Nothing held yet; codecs keep their contexts here.
    }
}
