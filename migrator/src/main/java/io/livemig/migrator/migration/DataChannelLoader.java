package io.livemig.migrator.migration;

import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.PageLoader;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.transport.Connection;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One data channel on the destination: its page batches are loaded into the guest on the
 * connection's event loop (decompressed, deltas applied, each page's CRC recorded through the
 * channel's own recorder: an {@link EventLoopPageLoader}); this thread reports each
 * {@code RoundEnd} to the {@link DestinationChannels}, once the batches before it are loaded.
 * Anything but batches and round ends, a broken connection or a bad batch fails the channel, and
 * so the migration.
 */
final class DataChannelLoader {
    private final int index;
    private final Connection connection;
    private final DestinationChannels channels;
    private final Duration messageTimeout;
    private final PageLoader loader = new PageLoader();
    private final EventLoopPageLoader stream;

    DataChannelLoader(int index, Connection connection, DestinationChannels channels, VirtualMachine vm, PageDigests digests,
                      Duration messageTimeout) {
        this.index = index;
        this.connection = connection;
        this.channels = channels;
        this.messageTimeout = messageTimeout;
        this.stream = new EventLoopPageLoader(loader, new GuestPages(vm.memory(), digests), m -> false, channels::pagesLoaded);
    }

    /**
     * Accepts the channel, then reports round ends until it is closed (by the session, or by a
     * failure, which it reports).
     */
    void run() {
        int round = 0;
        try {
            stream.attach(connection); // before Accept: no batch comes earlier
            connection.send(new Accept());
            while (true) {
                Message message;
                try {
                    message = connection.receive(messageTimeout);
                } catch (TimeoutException e) {
                    throw new MigrationException("the source went silent on data channel " + index);
                }
                ReferenceCountUtil.release(message);
                if (message instanceof RoundEnd end) {
                    if (end.round() < round) throw new ProtocolException("data channel " + index + " ended round " + end.round() + " after " + round);
                    round = end.round() + 1;
                    channels.delivered(index, end.round(), stream.pages(), stream.bytes());
                } else if (message instanceof Abort abort) {
                    throw new MigrationException("the source aborted: " + abort.reason());
                } else {
                    throw new ProtocolException("unexpected " + message.type() + " on data channel " + index);
                }
            }
        } catch (Exception e) {
            channels.failed(index, e);
        } finally {
            stream.detach();
            loader.close();
            channels.loaderDone();
        }
    }
}
