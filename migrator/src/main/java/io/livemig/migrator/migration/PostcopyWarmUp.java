package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.FaultFigures;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.GuestStatus;
import io.livemig.emulator.MissingPageException;
import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.PageFaultHandler;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.postcopy.PagePusher;
import io.livemig.migrator.postcopy.PageRequestServer;
import io.livemig.migrator.postcopy.PageRequester;
import io.livemig.migrator.postcopy.PagesToSend;
import io.livemig.migrator.postcopy.PushHint;
import io.livemig.migrator.postcopy.PostcopySink;
import io.livemig.migrator.protocol.FrameFormat;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PageBatch;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.protocol.PostcopyPushDone;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.stats.StopReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs the switch to post-copy once on a toy while the migration is set up, so that the
 * switch-over pause does not pay for first use: a fresh JVM loads, verifies and links each class
 * and lambda on first use (milliseconds for the histograms behind {@link MissingPages}), and
 * interprets each message's encoder until it is compiled. The toy: the switch's messages encoded
 * and decoded, a fault's one-page answer encoded from a 1 MiB memory and decoded, and on the
 * destination that memory's pages missing, the answer loaded into it, the rest one by one.
 */
final class PostcopyWarmUp {
    private static final List<Class<?>> SOURCE = List.of(SourcePostcopy.class, PostcopyPhase.class, PagesToSend.class,
            PagePusher.class, PageRequestServer.class, PostcopyPushDone.class, PostcopyComplete.class, PageRequest.class,
            PushHint.class, io.livemig.emulator.VcpuState.class, PageSender.class, BatchCompression.class,
            BatchCompression.Fixed.class, StopReason.class);
    private static final List<Class<?>> DESTINATION = List.of(PostcopyArrival.class, PostcopyArrival.Ready.class,
            DestinationPostcopy.class, DestinationPostcopy.LinkBreakHandler.class, DestinationPostcopy.RequestConnectionTaker.class,
            DestinationPostcopy.AnswerLoader.class, PageFaultHandler.class, MissingPageException.class, FaultFigures.class,
            PageRequester.class, PostcopySink.class, PageRequest.class, PostcopyPushDone.class, PostcopyComplete.class,
            GuestStatus.class, BooleanSupplier.class);
    private static final long TOY_BYTES = 1 << 20;
    /** Past the JIT's threshold for compiling a method (200 calls, then C1 compiles it). */
    private static final int SYNC_CALLS = 2_000;

    private PostcopyWarmUp() {}

    /** @param alloc the connection's allocator: the buffers the switch will encode into */
    static void sourceSide(ByteBufAllocator alloc) {
        load(SOURCE);
        encodeAndDecodeTheSwitch(alloc);
        try (GuestMemory toy = GuestMemory.allocate(TOY_BYTES)) {
            toy.writeLong(0, 0x5EED); // a page with data: the whole-page path, not the zero-page entry
            answerOnePage(alloc, toy, null);
            syncOftenEnoughToCompile(toy);
        }
    }

    /**
     * A hybrid switch during round 0 is the first sync of the dirty log, over the whole guest:
     * interpreted, its atomic reads and swaps took 3-5 ms of the pause for 1 GiB. Called this often
     * on the toy, the sync is compiled before it is needed.
     */
    private static void syncOftenEnoughToCompile(GuestMemory toy) {
        DirtyBitmap pages = new DirtyBitmap(toy.pageCount());
        for (int i = 0; i < SYNC_CALLS; i++) {
            toy.writeLong((long) (i % toy.pageCount()) * toy.pageSize(), i); // something to find
            toy.dirtyLog().syncAndAdd(pages);
        }
    }

    /** @param alloc the connection's allocator: the buffers the switch will be decoded from */
    static void destinationSide(ByteBufAllocator alloc) {
        load(DESTINATION);
        encodeAndDecodeTheSwitch(alloc);
        try (GuestMemory toy = GuestMemory.allocate(TOY_BYTES)) {
            toy.writeLong(0, 0x5EED); // before its pages go missing: a write to a missing page would wait for it
            DirtyBitmap all = new DirtyBitmap(toy.pageCount());
            all.setAll();
            PostcopyArrival arrival = new PostcopyArrival(toy.pageCount());
            for (MissingMap map : MissingMaps.of(all)) arrival.map(map);
            MissingPages missing = toy.beginMissing(all, 1, page -> { }, new PageDigests(toy));
            answerOnePage(alloc, toy, missing); // a fault's answer, encoded and loaded as the first ones will be
            for (long page = 1; page < toy.pageCount(); page++) missing.loadZero(page);
            missing.figures();
        }
    }

    /**
     * Page 0 of {@code toy} (which holds data) as a one-page answer (the source's encoder, as {@link PageRequestServer}
     * uses it), decoded, and loaded into {@code missing} when there is one (the destination's sink).
     */
    private static void answerOnePage(ByteBufAllocator alloc, GuestMemory toy, MissingPages missing) {
        PageBatchEncoder encoder = PageRequestServer.answerEncoder(toy.pageSize());
        encoder.beginBatch(alloc);
        encoder.addPage(new GuestPages(toy, null), 0);
        ByteBuf frame = encoder.finishBatch();
        try {
            frame.writerIndex(frame.writerIndex() - FrameFormat.TRAILER_BYTES);
            PageBatch batch = (PageBatch) MessageCodec.decode(frame);
            if (missing != null) {
                batch.applyTo(new PostcopySink(missing, toy.pageSize(), toy.pageCount()));
            } else {
                batch.release();
            }
        } finally {
            frame.release();
        }
    }

    /** The switch's messages through the real codec. */
    private static void encodeAndDecodeTheSwitch(ByteBufAllocator alloc) {
        DirtyBitmap pages = new DirtyBitmap(4096);
        pages.setAll();
        List<Message> messages = List.of(new VcpuState(0, new long[VcpuState.REGISTER_COUNT]), MissingMaps.of(pages).get(0),
                new PostcopyStart(1, pages.cardinality(), 1), new Resumed(1, 0), new PageRequest(0));
        ByteBuf together = alloc.directBuffer();
        try {
            MessageCodec.encodeAll(together, messages.subList(0, 3)); // as the source sends the switch
        } finally {
            together.release();
        }
        for (Message message : messages) {
            ByteBuf frame = MessageCodec.encode(alloc, message);
            try {
                frame.writerIndex(frame.writerIndex() - FrameFormat.TRAILER_BYTES); // the CRC, checked and stripped on the wire
                MessageCodec.decode(frame);
            } finally {
                frame.release();
            }
        }
    }

    private static void load(List<Class<?>> classes) {
        for (Class<?> c : classes) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e); // a class literal names a class that is there
            }
        }
    }
}
