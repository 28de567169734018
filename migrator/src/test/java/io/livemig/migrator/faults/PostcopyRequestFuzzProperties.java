package io.livemig.migrator.faults;

import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.GuestLostException;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.HeapPages;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.protocol.PostcopyAttach;
import io.livemig.migrator.protocol.PostcopyPrepare;
import io.livemig.migrator.protocol.PostcopyPushDone;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Resumed;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a real switch to post-copy, random sequences of valid, bit-flipped, truncated and random
 * frames arrive on a destination's request connection, then the source vanishes. Whatever came,
 * the destination treats it as a broken link at worst, never loads a page it was not sent (the
 * migration cannot complete), and ends, within the recover timeout and its grace, with the guest
 * given up ({@link GuestLostException}) and nothing else.
 */
class PostcopyRequestFuzzProperties {
    private static final int PAGE = 4096;
    private static final long MEMORY = 2L << 20;
    private static final int PAGES = (int) (MEMORY / PAGE);
    private static final Duration STEP = Duration.ofSeconds(5);

    enum Kind { PAGE_ANSWER, PAGE_REQUEST, PUSH_DONE, MISSING_MAP, RANDOM_BYTES }

    enum Mutation { NONE, FLIP_BIT, TRUNCATE, BAD_TYPE }

    @Property(tries = 12)
    void anyFramesOnTheRequestConnectionEndInABrokenLinkAndNeverCompleteTheGuest(
            @ForAll("frames") @Size(min = 1, max = 6) List<Tuple.Tuple3<Kind, Mutation, Integer>> frames) throws Exception {
        DestinationOptions options = new DestinationOptions(64L << 20, STEP, Workloads::parse, Duration.ofSeconds(1));
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
            MigrationDestination destination = new MigrationDestination(options, new Handshake());
            HostPort to = new HostPort("127.0.0.1", listener.localAddress().getPort());
            CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept(STEP)) {
                    return destination.receive(c, "fuzz");
                } catch (Throwable e) {
                    return e;
                }
            });
            try (Connection main = transport.connect(to, STEP)) {
                byte[] id = new Handshake().sourceSide(main, STEP);
                main.send(new GuestOffer(MEMORY, PAGE, 1, "idle", OfferMode.POSTCOPY));
                assertThat(main.receive(STEP)).isInstanceOf(Accept.class);
                main.send(new PostcopyPrepare(false));
                Connection requests = transport.connect(to, STEP);
                CompletableFuture.runAsync(() -> {
                    try {
                        Connection extra = listener.accept(STEP);
                        if (!destination.answerWhileBusy(extra, "busy")) extra.close();
                    } catch (Exception ignored) {
                        // the property looks at the migration's ending only
                    }
                });
                try (requests) {
                    new Handshake().sourceSide(requests, STEP);
                    requests.send(new PostcopyAttach(id));
                    main.send(new VcpuState(0, new long[VcpuState.REGISTER_COUNT]));
                    long[] all = new long[PAGES / 64];
                    java.util.Arrays.fill(all, -1L);
                    main.send(new MissingMap(0, all));
                    main.send(new PostcopyStart(System.nanoTime(), PAGES, 300));
                    assertThat(main.receive(STEP)).isInstanceOf(Resumed.class);
                    for (Tuple.Tuple3<Kind, Mutation, Integer> f : frames) {
                        requests.sendPages(mutate(frame(f.get1(), f.get3()), f.get2(), f.get3()));
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                // the destination may hang up first: that is one of the allowed endings
            }
            Object result = outcome.get(20, TimeUnit.SECONDS);
            if (result instanceof MigrationDestination.Incoming incoming) {
                incoming.vm().close();
                throw new AssertionError("fuzzed request frames completed a post-copy that was never pushed");
            }
            assertThat(result).as("the destination's ending").isInstanceOf(GuestLostException.class);
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Kind, Mutation, Integer>>> frames() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.of(Mutation.class), Arbitraries.integers().between(0, 1 << 20))
                .as(Tuple::of).list();
    }

    private static ByteBuf frame(Kind kind, int seed) {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        return switch (kind) {
            case PAGE_ANSWER -> {
                HeapPages pages = HeapPages.random(PAGE, PAGES, 4, seed);
                PageBatchEncoder encoder = new PageBatchEncoder(PAGE);
                encoder.beginBatch(alloc);
                encoder.addPage(pages, seed % PAGES);
                yield encoder.finishBatch();
            }
            case PAGE_REQUEST -> encode(new PageRequest(seed));
            case PUSH_DONE -> encode(new PostcopyPushDone(seed, seed));
            case MISSING_MAP -> encode(new MissingMap(0, new long[] {seed}));
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[1 + seed % 64];
                new java.util.Random(seed).nextBytes(bytes);
                yield Unpooled.wrappedBuffer(bytes);
            }
        };
    }

    private static ByteBuf encode(Message message) {
        return MessageCodec.encode(ByteBufAllocator.DEFAULT, message);
    }

    private static ByteBuf mutate(ByteBuf frame, Mutation mutation, int seed) {
        int length = frame.readableBytes();
        switch (mutation) {
            case FLIP_BIT -> {
                int at = frame.readerIndex() + seed % length;
                frame.setByte(at, frame.getByte(at) ^ (1 << (seed % 8)));
            }
            case TRUNCATE -> frame.writerIndex(frame.readerIndex() + seed % length);
            case BAD_TYPE -> frame.setByte(frame.readerIndex(), 100 + seed % 100);
            case NONE -> { }
        }
        return frame;
    }
}
