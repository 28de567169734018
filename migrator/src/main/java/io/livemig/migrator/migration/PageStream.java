package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;

import java.util.function.BooleanSupplier;

/**
 * Where a round's pages go: the migration's one connection ({@link SingleStream}), or several data
 * channels at once ({@link ChannelSet}). A send returns when the round's pages are all handed to
 * the sockets, each channel's marked with its {@code RoundEnd}; the caller then ends the round on
 * the control connection.
 */
interface PageStream extends AutoCloseable {

    /** Sends every page set in {@code pages} as part of round {@code round}; the sums of all channels. */
    default PageSender.Sent send(DirtyBitmap pages, boolean skipZeroPages, int round, PageSender.Progress progress)
            throws Exception {
        return send(pages, skipZeroPages, round, progress, () -> false);
    }

    /**
     * As above, asking {@code stop} after each batch whether to end the send there (a hybrid
     * migration's switch to post-copy). A stream that cannot stop part-way sends the whole set.
     */
    PageSender.Sent send(DirtyBitmap pages, boolean skipZeroPages, int round, PageSender.Progress progress,
                         BooleanSupplier stop) throws Exception;

    /** Pages looked up in the delta caches and not found, so far. */
    long deltaCacheMisses();

    @Override
    void close();

    /** One connection for everything: pages go on the control connection, as they always did. */
    final class SingleStream implements PageStream {
        private final PageSender sender;

        SingleStream(PageSender sender) {
            this.sender = sender;
        }

        @Override
        public PageSender.Sent send(DirtyBitmap pages, boolean skipZeroPages, int round, PageSender.Progress progress,
                                    BooleanSupplier stop) throws Exception {
            return sender.send(pages, skipZeroPages, progress, stop);
        }

        @Override
        public long deltaCacheMisses() {
            return sender.deltaCacheMisses();
        }

        @Override
        public void close() {
            sender.close();
        }
    }
}
