package io.livemig.migrator.migration;

import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageLoader;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One data channel on the destination, on its own thread: loads each page batch into the guest
 * (decompressing, applying deltas, recording each page's CRC through its own recorder) and reports
 * each {@code RoundEnd} to the {@link DestinationChannels}. Anything but batches and round ends,
 * a broken connection or a bad batch fails the channel, and so the migration.
 */
final class DataChannelLoader {
    private final int index;
    private final Connection connection;
    private final DestinationChannels channels;
    private final GuestPages sink;
    private final Duration messageTimeout;
    private final int pageSize;

    DataChannelLoader(int index, Connection connection, DestinationChannels channels, VirtualMachine vm, PageDigests digests,
                      Duration messageTimeout) {
        this.index = index;
        this.connection = connection;
        this.channels = channels;
        this.sink = new GuestPages(vm.memory(), digests);
        this.messageTimeout = messageTimeout;
        this.pageSize = vm.memory().pageSize();
    }

    /** Loads until the channel is closed (by the session, or by a failure, which it reports). */
    void run() {
        long pages = 0;
        long bytes = 0;
        int round = 0;
        try (PageLoader loader = new PageLoader()) {
            while (true) {
                Message message;
                try {
                    message = connection.receive(messageTimeout);
                } catch (TimeoutException e) {
                    throw new MigrationException("the source went silent on data channel " + index);
                }
                if (message instanceof PageBatch batch) {
                    if (batch.pageSize() != pageSize) {
                        batch.release();
                        throw new ProtocolException("page batch of " + batch.pageSize() + "-byte pages, guest has " + pageSize);
                    }
                    pages += batch.pageCount();
                    bytes += batch.pageBytes();
                    loader.load(batch, sink);
                    channels.pagesLoaded();
                    continue;
                }
                ReferenceCountUtil.release(message);
                if (message instanceof RoundEnd end) {
                    if (end.round() < round) throw new ProtocolException("data channel " + index + " ended round " + end.round() + " after " + round);
                    round = end.round() + 1;
                    channels.delivered(index, end.round(), pages, bytes);
                } else if (message instanceof Abort abort) {
                    throw new MigrationException("the source aborted: " + abort.reason());
                } else {
                    throw new ProtocolException("unexpected " + message.type() + " on data channel " + index);
                }
            }
        } catch (Exception e) {
            channels.failed(index, e);
        } finally {
            channels.loaderDone();
        }
    }
}
