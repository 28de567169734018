package io.livemig.migrator.faults;

import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationException;
import io.livemig.migrator.protocol.Accept;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Message;
import io.livemig.migrator.protocol.MessageCodec;
import io.livemig.migrator.protocol.OfferMode;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.protocol.StopAndCopyDone;
import io.livemig.migrator.protocol.VcpuState;
import io.livemig.migrator.protocol.HeapPages;
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
 * After a valid handshake and offer, random sequences of valid, bit-flipped, truncated and
 * random frames go to a real destination over loopback. Whatever arrives, the destination ends the
 * incoming migration with a {@link MigrationException} (a protocol error, an abort, a lost
 * connection), within seconds, and never runs the guest.
 */
class DestinationFuzzProperties {

    @net.jqwik.api.lifecycle.BeforeContainer
    static void trackEveryBuffer() {
        io.livemig.migrator.testing.NettyLeaks.paranoid();
    }

    @net.jqwik.api.lifecycle.BeforeProperty
    void forgetEarlierLeaks() throws InterruptedException {
        io.livemig.migrator.testing.NettyLeaks.reset();
    }

    @net.jqwik.api.lifecycle.AfterProperty
    void noBufferLeaked() throws InterruptedException {
        io.livemig.migrator.testing.NettyLeaks.assertNone();
    }
    private static final int PAGE = 4096;
    private static final long MEMORY = 2L << 20;

    /** What to send: a kind of frame and a mutation of it. */
    enum Kind { PAGES, ROUND_END, VCPU_STATE, DONE, RANDOM_BYTES }

    enum Mutation { NONE, FLIP_BIT, TRUNCATE, BAD_TYPE }

    @Property(tries = 25)
    void anyFrameSequenceEndsInAMigrationErrorAndNeverRunsTheGuest(
            @ForAll("frames") @Size(min = 1, max = 6) List<Tuple.Tuple3<Kind, Mutation, Integer>> frames) throws Exception {
        DestinationOptions options = new DestinationOptions(64L << 20, Duration.ofSeconds(2), Workloads::parse, Duration.ofSeconds(1));
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
            CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept(Duration.ofSeconds(10))) {
                    return new MigrationDestination(options, new Handshake()).receive(c, "fuzz");
                } catch (Throwable e) {
                    return e;
                }
            });
            try (Connection source = transport.connect(new HostPort("127.0.0.1", listener.localAddress().getPort()), Duration.ofSeconds(5))) {
                new Handshake().sourceSide(source, Duration.ofSeconds(5));
                source.send(new GuestOffer(MEMORY, PAGE, 1, "idle", OfferMode.PRECOPY));
                assertThat(source.receive(Duration.ofSeconds(5))).isInstanceOf(Accept.class);
                for (Tuple.Tuple3<Kind, Mutation, Integer> f : frames) {
                    source.sendPages(mutate(frame(f.get1(), f.get3()), f.get2(), f.get3()));
                }
                Thread.sleep(50);
            } catch (Exception e) {
                // the destination may hang up first: that is one of the allowed endings
            }
            Object result = outcome.get(15, TimeUnit.SECONDS);
            if (result instanceof MigrationDestination.Incoming incoming) {
                incoming.vm().close();
                throw new AssertionError("a fuzzed sequence produced a running guest");
            }
            assertThat(result).as("the destination's ending").isInstanceOf(MigrationException.class);
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
            case PAGES -> {
                HeapPages pages = HeapPages.random(PAGE, (int) (MEMORY / PAGE), 4, seed);
                PageBatchEncoder encoder = new PageBatchEncoder(PAGE);
                encoder.beginBatch(alloc);
                for (int i = 0; i < 4; i++) encoder.addPage(pages, (seed + i) % (MEMORY / PAGE));
                yield encoder.finishBatch();
            }
            case ROUND_END -> encode(new RoundEnd(seed % 3, seed));
            case VCPU_STATE -> encode(new VcpuState(seed % 2, new long[VcpuState.REGISTER_COUNT]));
            case DONE -> encode(new StopAndCopyDone(seed, seed, (seed & 1) == 0));
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
