package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestMemory;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.DeltaCache;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.transport.ConnectionException;
import io.livemig.migrator.transport.TokenBucketRateLimiter;

import java.util.concurrent.locks.LockSupport;

/**
 * The setup phase on a connected session: handshake, the guest offer, the destination's
 * {@code Accept}; then the page stream (sender, rate limit, the set of pages still to send).
 */
final class SourceSetup {
    private final SourceSession session;

    SourceSetup(SourceSession session) {
        this.session = session;
    }

    void run() throws Exception {
        GuestMemory memory = session.vm.memory();
        MigrationOptions options = session.options;
        session.migrationId = session.handshake.sourceSide(session.connection, options.replyTimeout());
        GuestOffer offer = new GuestOffer(memory.sizeBytes(), memory.pageSize(), session.vm.config().vcpus(),
                session.vm.program().spec());
        try {
            session.connection.send(offer);
        } catch (ConnectionException e) {
            // A destination that refused our handshake may have closed already: its queued answer says why.
        }
        Replies.expect(session.connection, Accept.class, options.replyTimeout(), "the guest offer");
        session.timeline.setupNanos = session.sinceStartNanos();
        TransferOptions transfer = options.transfer();
        if (transfer.channels() > 1) {
            session.sender = ChannelSet.open(session, limiter(options, session.cancellation));
        } else {
            DeltaCache cache = transfer.xbzrleBytes() == 0 ? null
                    : new DeltaCache(Math.max(memory.pageSize(), Math.min(transfer.xbzrleBytes(), memory.sizeBytes())), memory.pageSize());
            session.sender = new PageStream.SingleStream(new PageSender(session.connection, new GuestPages(memory, null),
                    limiter(options, session.cancellation), new PageBatchEncoder(memory.pageSize(), payloadBytes(memory)),
                    BatchCompression.of(transfer.compression(), options.bandwidthBytesPerS()), cache));
        }
        session.pending = new DirtyBitmap(memory.pageCount());
    }

    /** Its waits end at a cancel: a slow link's batch can hold the sender for a long time. */
    private static TokenBucketRateLimiter limiter(MigrationOptions options, Cancellation cancellation) {
        long rate = options.bandwidthBytesPerS();
        return new TokenBucketRateLimiter(rate, rate <= 0 ? 0 : Math.max(64 * 1024, rate / 50), System::nanoTime, nanos -> {
            LockSupport.parkNanos(nanos);
            cancellation.check();
        });
    }

    /** Room for a batch of default size, or for one page and more when pages are large. */
    static int payloadBytes(GuestMemory memory) {
        return Math.max(PageBatchEncoder.DEFAULT_MAX_PAYLOAD_BYTES, memory.pageSize() + 64 * 1024);
    }
}
