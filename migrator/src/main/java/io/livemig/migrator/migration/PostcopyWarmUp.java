package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.FaultFigures;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.MissingPageException;
import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.PageFaultHandler;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.postcopy.PagePusher;
import io.livemig.migrator.postcopy.PageRequestServer;
import io.livemig.migrator.postcopy.PageRequester;
import io.livemig.migrator.postcopy.PagesToSend;
import io.livemig.migrator.postcopy.PostcopySink;
import io.livemig.migrator.protocol.FrameFormat;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.protocol.PostcopyPushDone;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.VcpuState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;

/**
 * Runs the switch to post-copy once on a toy while the migration is set up, so that the
 * switch-over pause does not pay for first use: a fresh JVM loads, verifies and links each class
 * and lambda on first use (milliseconds for the histograms behind {@link MissingPages}), and
 * interprets each message's encoder until it is compiled. The toy: the switch's messages encoded
 * and decoded, and on the destination the missing pages of a 1 MiB memory, loaded one by one.
 */
final class PostcopyWarmUp {
    private static final List<Class<?>> SOURCE = List.of(SourcePostcopy.class, PostcopyPhase.class, PagesToSend.class,
            PagePusher.class, PageRequestServer.class, PostcopyPushDone.class, PostcopyComplete.class, PageRequest.class);
    private static final List<Class<?>> DESTINATION = List.of(PostcopyArrival.class, DestinationPostcopy.class,
            PageFaultHandler.class, MissingPageException.class, FaultFigures.class, PageRequester.class, PostcopySink.class,
            PageRequest.class, PostcopyPushDone.class, PostcopyComplete.class);
    private static final long TOY_BYTES = 1 << 20;

    private PostcopyWarmUp() {}

    /** @param alloc the connection's allocator: the buffers the switch will encode into */
    static void sourceSide(ByteBufAllocator alloc) {
        load(SOURCE);
        encodeAndDecodeTheSwitch(alloc);
    }

    /** @param alloc the connection's allocator: the buffers the switch will be decoded from */
    static void destinationSide(ByteBufAllocator alloc) {
        load(DESTINATION);
        encodeAndDecodeTheSwitch(alloc);
        try (GuestMemory toy = GuestMemory.allocate(TOY_BYTES)) {
            DirtyBitmap all = new DirtyBitmap(toy.pageCount());
            all.setAll();
            PostcopyArrival arrival = new PostcopyArrival(toy.pageCount());
            for (MissingMap map : MissingMaps.of(all)) arrival.map(map);
            MissingPages missing = toy.beginMissing(all, 1, page -> { }, new PageDigests(toy));
            for (long page = 0; page < toy.pageCount(); page++) missing.loadZero(page);
            missing.figures();
        }
    }

    /** The switch's messages through the real codec. */
    private static void encodeAndDecodeTheSwitch(ByteBufAllocator alloc) {
        DirtyBitmap pages = new DirtyBitmap(4096);
        pages.setAll();
        List<Message> messages = List.of(new VcpuState(0, new long[VcpuState.REGISTER_COUNT]), MissingMaps.of(pages).get(0),
                new PostcopyStart(1, pages.cardinality(), 1), new Resumed(1, 0), new PageRequest(0));
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
