package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationMode;
import io.livemig.emulator.DigestWarmUp;
import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestMemory;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.GuestName;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.DeltaCache;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PostcopyPrepare;
import io.livemig.migrator.transport.ConnectionException;
import io.livemig.migrator.transport.TokenBucketRateLimiter;

import java.util.concurrent.locks.LockSupport;

/**
 * The setup phase on a connected session: handshake, the guest offer, the destination's
 * {@code Accept}; then the page stream (sender, rate limit, the set of pages still to send) and,
 * when post-copy may follow, {@code PostcopyPrepare} and the request connection.
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
                session.vm.program().spec(), offerMode(options.mode()));
        try {
            if (session.guestName != null) session.connection.send(new GuestName(session.guestName));
            session.connection.send(offer);
        } catch (ConnectionException e) {
            // A destination that refused our handshake may have closed already: its queued answer says why.
        }
        // The destination touches the guest's memory before it answers: time enough to compile the
        // digest the stop-and-copy will take inside the downtime.
        DigestWarmUp.once(memory);
        Replies.expect(session.connection, Accept.class, options.replyTimeout(), "the guest offer");
        if (options.mode().mayUsePostcopy()) preparePostcopy();
        // After PostcopyPrepare: the destination answers the clock probes in order, so once they
        // are answered it has rehearsed the switch too, and a pause that follows at once never
        // waits for that.
        SourceClock.measure(session, "setup");
        session.timeline.setupNanos = session.sinceStartNanos();
        session.limiter = limiter(options, session.cancellation);
        TransferOptions transfer = options.transfer();
        if (transfer.channels() > 1) {
            session.sender = ChannelSet.open(session, session.limiter);
        } else {
            DeltaCache cache = transfer.xbzrleBytes() == 0 ? null
                    : new DeltaCache(Math.max(memory.pageSize(), Math.min(transfer.xbzrleBytes(), memory.sizeBytes())), memory.pageSize());
            session.sender = new PageStream.SingleStream(new PageSender(session.connection, new GuestPages(memory, null),
                    session.limiter, new PageBatchEncoder(memory.pageSize(), payloadBytes(memory)),
                    BatchCompression.of(transfer.compression(), options.bandwidthBytesPerS()), cache));
        }
        session.pending = new DirtyBitmap(memory.pageCount());
    }

    /** Post-copy will (or may) follow: say so, and open the request connection now, not during the switch. */
    private void preparePostcopy() throws Exception {
        PostcopyWarmUp.sourceSide(session.connection.alloc()); // now, not in the switch-over pause
        session.connection.send(new PostcopyPrepare(session.options.mode() == MigrationMode.HYBRID));
        session.postcopyLinks = new PostcopyLinks(session.transport, session.to, session.handshake, session.migrationId,
                session.options);
        session.requests = session.postcopyLinks.openRequests();
    }

    /** The mode the offer states: this migration's own, {@code --policy auto}'s choice applied before it started. */
    static OfferMode offerMode(MigrationMode mode) {
        return switch (mode) {
            case PRECOPY -> OfferMode.PRECOPY;
            case POSTCOPY -> OfferMode.POSTCOPY;
            case HYBRID -> OfferMode.HYBRID;
        };
    }

    /**
     * Its waits end at a cancel: a slow link's batch can hold the sender for a long time.
     */
    private static TokenBucketRateLimiter limiter(MigrationOptions options, Cancellation cancellation) {
        long rate = options.bandwidthBytesPerS();
        return new TokenBucketRateLimiter(rate, TokenBucketRateLimiter.burstBytesFor(rate), System::nanoTime, nanos -> {
            LockSupport.parkNanos(nanos);
            cancellation.check();
        });
    }

    /** Room for a batch of default size, or for one page and more when pages are large. */
    static int payloadBytes(GuestMemory memory) {
        return Math.max(PageBatchEncoder.DEFAULT_MAX_PAYLOAD_BYTES, memory.pageSize() + 64 * 1024);
    }
}
