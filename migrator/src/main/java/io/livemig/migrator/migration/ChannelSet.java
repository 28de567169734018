package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestMemory;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.ChannelAttach;
import io.livemig.migrator.protocol.ChannelPlan;
import io.livemig.migrator.protocol.DeltaCache;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.TokenBucketRateLimiter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The source's data channels (like QEMU's multifd): N connections beside the control connection,
 * each authenticated by its own handshake (and encrypted, with TLS) and bound to the migration by
 * {@link ChannelAttach}, each with its own sender thread that finds its share of the round's pages
 * ({@link PageSender#inShare}), tests them for zero, compresses and delta-encodes them, and ends
 * the round on its channel with a {@code RoundEnd}. One limiter paces them all, so
 * {@code --bandwidth} holds for the sum. A channel that fails fails the send, and the migration
 * with it: the other channels are closed at once so none waits on a dead peer.
 */
final class ChannelSet implements PageStream {
    private final List<DataChannelSender> senders = new ArrayList<>();
    private final ExecutorService threads;

    private ChannelSet(int channels) {
        AtomicInteger next = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(channels, runnable -> {
            Thread thread = new Thread(runnable, "data-channel-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Announces the plan on the control connection, then opens, authenticates and attaches every channel. */
    static ChannelSet open(SourceSession session, TokenBucketRateLimiter limiter) throws Exception {
        TransferOptions transfer = session.options.transfer();
        int channels = transfer.channels();
        GuestMemory memory = session.vm.memory();
        session.connection.send(new ChannelPlan(channels));
        session.connection.allowIdle(); // quiet while the channels carry a round; theirs show a stalled link
        ChannelSet set = new ChannelSet(channels);
        try {
            for (int i = 0; i < channels; i++) {
                Connection connection = session.transport.connect(session.to, session.options.connectTimeout());
                DeltaCache cache = null;
                try {
                    session.handshake.sourceSide(connection, session.options.replyTimeout());
                    connection.send(new ChannelAttach(session.migrationId, i));
                    Replies.expect(connection, Accept.class, session.options.replyTimeout(), "attaching data channel " + i);
                    long cacheBytes = transfer.xbzrleBytes() / channels;
                    cache = cacheBytes == 0 ? null
                            : new DeltaCache(Math.max(memory.pageSize(), Math.min(cacheBytes, memory.sizeBytes())), memory.pageSize());
                    PageSender sender = new PageSender(connection, new GuestPages(memory, null), limiter,
                            new PageBatchEncoder(memory.pageSize(), SourceSetup.payloadBytes(memory)),
                            BatchCompression.of(transfer.compression(), session.options.bandwidthBytesPerS()), cache)
                            .sharing(i, channels);
                    set.senders.add(new DataChannelSender(i, connection, sender));
                } catch (Exception e) {
                    connection.close();
                    if (cache != null) cache.close();
                    throw e;
                }
            }
            return set;
        } catch (Exception e) {
            set.close();
            throw e;
        }
    }

    /** Channels never stop part-way ({@code stop} is not asked): post-copy does not run over channels. */
    @Override
    public PageSender.Sent send(DirtyBitmap pages, boolean skipZeroPages, int round, PageSender.Progress progress,
                                java.util.function.BooleanSupplier stop) throws Exception {
        CompletionService<PageSender.Sent> results = new ExecutorCompletionService<>(threads);
        for (DataChannelSender sender : senders) {
            // Channel 0 speaks for the progress of all: they move at the same pace.
            PageSender.Progress report = sender.index == 0 ? progress : (done, total) -> { };
            results.submit(() -> sender.sendRound(pages, skipZeroPages, round, report));
        }
        long[] sums = new long[8];
        Exception failure = null;
        for (int i = 0; i < senders.size(); i++) {
            try {
                // In the order they finish: the first failure closes the others at once.
                PageSender.Sent sent = results.take().get();
                sums[0] += sent.pages();
                sums[1] += sent.bytes();
                sums[2] += sent.wireBytes();
                sums[3] += sent.normalPages();
                sums[4] += sent.zeroPages();
                sums[5] += sent.deltaPages();
                sums[6] += sent.rawDataBytes();
                sums[7] += sent.wireDataBytes();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof Exception cause ? cause : e;
                    // Unblock the others at once: a dead channel must not leave them waiting on their peers.
                    for (DataChannelSender other : senders) other.connection.close();
                }
            }
        }
        if (failure != null) throw failure;
        return new PageSender.Sent(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], -1);
    }

    @Override
    public long deltaCacheMisses() {
        long misses = 0;
        for (DataChannelSender sender : senders) misses += sender.sender.deltaCacheMisses();
        return misses;
    }

    int channels() {
        return senders.size();
    }

    @Override
    public void close() {
        threads.shutdownNow();
        for (DataChannelSender sender : senders) sender.close();
    }

    /** One data channel: its connection and its sender, used by one thread at a time. */
    private static final class DataChannelSender {
        final int index;
        final Connection connection;
        final PageSender sender;

        DataChannelSender(int index, Connection connection, PageSender sender) {
            this.index = index;
            this.connection = connection;
            this.sender = sender;
        }

        PageSender.Sent sendRound(DirtyBitmap pages, boolean skipZeroPages, int round, PageSender.Progress progress)
                throws Exception {
            PageSender.Sent sent = sender.send(pages, skipZeroPages, progress);
            connection.send(new RoundEnd(round, sent.pages()));
            return sent;
        }

        void close() {
            connection.close();
            sender.close();
        }
    }
}
