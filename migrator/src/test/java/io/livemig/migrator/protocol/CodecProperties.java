package io.livemig.migrator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CodecProperties {

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

    @Property(tries = 300)
    void randomMessagesRoundTrip(@ForAll("messages") List<Message> sent, @ForAll @IntRange(min = 1, max = 64) int sliceBytes) {
        EmbeddedChannel channel = Messages.decoderChannel();
        for (Message message : sent) {
            byte[] frame = Messages.encodeToBytes(message);
            for (int at = 0; at < frame.length; at += sliceBytes) {
                channel.writeInbound(Unpooled.wrappedBuffer(frame, at, Math.min(sliceBytes, frame.length - at)));
            }
        }
        assertThat(Messages.drain(channel)).containsExactlyElementsOf(sent);
        assertThat(channel.finish()).isFalse();
    }

    @Property(tries = 100)
    void pageBatchesSplitAnywhereArriveWhole(@ForAll @IntRange(min = 1, max = 20_000) int sliceBytes,
                                             @ForAll @IntRange(min = 1, max = 15) int pagesPerBatch,
                                             @ForAll @IntRange(min = 0, max = 1000) long seed) {
        HeapPages source = HeapPages.random(4096, 64, 3, seed);
        HeapPages sink = new HeapPages(4096, 64);
        PageBatchEncoder encoder = new PageBatchEncoder(4096, PageBatch.HEADER_BYTES + pagesPerBatch * (8 + 4096));
        io.netty.buffer.ByteBuf stream = Unpooled.buffer();
        for (long page = 0; page < source.pageCount(); ) {
            encoder.beginBatch(io.netty.buffer.ByteBufAllocator.DEFAULT);
            while (page < source.pageCount() && !encoder.isFull()) encoder.addPage(source, page++);
            io.netty.buffer.ByteBuf frame = encoder.finishBatch();
            stream.writeBytes(frame);
            frame.release();
        }
        EmbeddedChannel channel = Messages.decoderChannel();
        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(Math.min(sliceBytes, stream.readableBytes())));
        }
        stream.release();
        for (Message m : Messages.drain(channel)) ((PageBatch) m).applyTo(sink);
        assertThat(sink.sameContents(source)).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Property(tries = 500)
    void randomBytesOnlyEverFailWithProtocolException(@ForAll @Size(max = 200) byte[] bytes) {
        feedExpectingOnlyProtocolErrors(bytes);
    }

    @Property(tries = 1000)
    void mutatedFramesOnlyEverFailWithProtocolException(
            @ForAll("messages") List<Message> sent,
            @ForAll @IntRange(min = 0, max = 10_000) int position,
            @ForAll byte value,
            @ForAll boolean withValidCrc) {
        byte[] frame = Messages.encodeToBytes(sent.get(0));
        int at = position % frame.length;
        frame[at] = value;
        if (withValidCrc && at < frame.length - FrameFormat.TRAILER_BYTES) {
            // Re-seal the frame so the mutation reaches the message decoder instead of the CRC check.
            byte[] payload = new byte[frame.length - FrameFormat.HEADER_BYTES - FrameFormat.TRAILER_BYTES];
            System.arraycopy(frame, FrameFormat.HEADER_BYTES, payload, 0, payload.length);
            frame = MessageCodecTest.frame(frame[0] & 0xFF, payload);
        }
        feedExpectingOnlyProtocolErrors(frame);
    }

    private static void feedExpectingOnlyProtocolErrors(byte[] bytes) {
        EmbeddedChannel channel = Messages.decoderChannel();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        } catch (ProtocolException expected) {
            // the only failure allowed; anything else fails the property
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        return message().list().ofMinSize(1).ofMaxSize(5);
    }

    private static Arbitrary<Message> message() {
        Arbitrary<byte[]> nonce = Arbitraries.bytes().array(byte[].class).ofSize(ProtocolLimits.NONCE_BYTES);
        Arbitrary<byte[]> proof = Arbitraries.bytes().array(byte[].class).ofMaxSize(ProtocolLimits.MAX_PROOF_BYTES);
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(200)
                .filter(s -> s.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
        Arbitrary<Integer> pageSize = Arbitraries.of(512, 4096, 65536);
        Arbitrary<long[]> registers = Arbitraries.longs().array(long[].class).ofSize(VcpuState.REGISTER_COUNT);
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers(), nonce).as(Hello::new),
                Combinators.combine(Arbitraries.integers(), nonce, proof).as(HelloAck::new),
                proof.map(AuthProof::new),
                Combinators.combine(Arbitraries.longs().between(1, 1L << 40), pageSize,
                                Arbitraries.integers().between(1, ProtocolLimits.MAX_VCPUS), text, Arbitraries.of(OfferMode.class))
                        .as((pages, size, vcpus, spec, mode) -> new GuestOffer(pages * size, size, vcpus, spec, mode)),
                Arbitraries.just(new Accept()),
                text.map(Refuse::new),
                Combinators.combine(Arbitraries.integers().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0))
                        .as(RoundEnd::new),
                Combinators.combine(Arbitraries.integers().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0))
                        .as(RoundAck::new),
                Combinators.combine(Arbitraries.integers().between(0, ProtocolLimits.MAX_VCPUS - 1), registers)
                        .as(VcpuState::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(true, false)).as(StopAndCopyDone::new),
                Arbitraries.longs().map(DigestCheck::new),
                Arbitraries.of(true, false).map(Outcome::new),
                Arbitraries.just(new Ready()),
                Arbitraries.just(new Commit()),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Resumed::new),
                text.map(Abort::new),
                Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(GuestName.MAX_CHARS).map(GuestName::new),
                Arbitraries.of(true, false).map(PostcopyPrepare::new),
                nonce.map(PostcopyAttach::new),
                Combinators.combine(Arbitraries.longs().between(0, (Integer.MAX_VALUE - 64) / 64).map(w -> w * 64),
                                Arbitraries.longs().array(long[].class).ofMinSize(1).ofMaxSize(40))
                        .as(MissingMap::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs().between(0, Integer.MAX_VALUE),
                        Arbitraries.longs().greaterOrEqual(0)).as(PostcopyStart::new),
                Arbitraries.longs().between(0, Integer.MAX_VALUE).map(PageRequest::new),
                Combinators.combine(Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs()).as(PostcopyPushDone::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.longs().array(long[].class).ofMinSize(1).ofMaxSize(ProtocolLimits.MAX_VCPUS)
                                .map(a -> { for (int i = 0; i < a.length; i++) a[i] = a[i] & Long.MAX_VALUE; return a; }))
                        .as((digest, ops, faults, blocktime) -> new PostcopyComplete(digest, ops, ops / 3, faults, faults / 2,
                                1_000, 2_000, 3_000, blocktime)),
                nonce.map(PostcopyResume::new),
                Arbitraries.longs().between(0, Integer.MAX_VALUE).map(PostcopyResumeAck::new),
                Combinators.combine(Arbitraries.integers().greaterOrEqual(0), Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 4096)).as(LinkProbe::new),
                Combinators.combine(Arbitraries.integers().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.longs().greaterOrEqual(0)).as(LinkProbeReply::new));
    }
}
