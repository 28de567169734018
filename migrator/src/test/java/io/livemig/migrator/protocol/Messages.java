package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Sample messages and an embedded codec pipeline, shared by the protocol tests. */
final class Messages {

    /** A decoder limit above every message here: a link probe carries 512 KiB of filler. */
    static final int MAX_PAYLOAD_BYTES = 1 << 20;

    private Messages() {
    }

    static byte[] nonce(int seed) {
        byte[] nonce = new byte[ProtocolLimits.NONCE_BYTES];
        Arrays.fill(nonce, (byte) seed);
        return nonce;
    }

    /** One of each control message type (PAGE_BATCH has its own tests). */
    static List<Message> oneOfEachControlType() {
        long[] registers = new long[VcpuState.REGISTER_COUNT];
        Arrays.setAll(registers, i -> -i * 0x0101010101010101L);
        return List.of(
                new Hello(ProtocolVersion.CURRENT, nonce(1)),
                new HelloAck(ProtocolVersion.CURRENT, nonce(2), new byte[] {1, 2, 3}),
                new HelloAck(ProtocolVersion.CURRENT, nonce(3), new byte[0]),
                new AuthProof(new byte[32]),
                new GuestOffer(1L << 30, 4096, 4, "memwrite:wss=512m,rate=300m", OfferMode.PRECOPY),
                new GuestOffer(64L << 20, 65536, 1, "idle", OfferMode.POSTCOPY),
                new GuestOffer(4096, 4096, 256, "", OfferMode.HYBRID),
                new Accept(),
                new Refuse("not enough memory: 1 GiB wanted, 512 MiB free; caf\u00e9 \uD83D\uDE00"),
                new RoundEnd(7, 123_456L),
                new RoundAck(7, 123_456L),
                new VcpuState(3, registers),
                new StopAndCopyDone(0xDEADBEEFCAFEL, System.nanoTime()),
                new StopAndCopyDone(0, System.nanoTime(), true),
                new DigestCheck(0x1234_5678_9ABC_DEF0L),
                new OutcomeQuery(new byte[ProtocolLimits.NONCE_BYTES]),
                new Outcome(true),
                new Ready(),
                new Commit(),
                new Resumed(42L, 1_700_000_000_000_000L),
                new Abort("source cancelled"),
                new PostcopyPrepare(true),
                new PostcopyPrepare(false),
                new PostcopyAttach(nonce(4)),
                new MissingMap(64, new long[] {-1L, 0, 0x8000_0000_0000_0001L}),
                new PostcopyStart(System.nanoTime(), 129, 60_000),
                new PageRequest(262_143),
                new PostcopyPushDone(262_144, 0x0123_4567_89AB_CDEFL),
                new PostcopyComplete(0x0123_4567_89AB_CDEFL, 1_000_000, 1_700_000_000_000_000L, 4_000, 3_000, 150_000, 1_900_000, 7_000_000,
                        new long[] {5_000_000, 0, 12}),
                new PostcopyResume(nonce(5)),
                new PostcopyResumeAck(17),
                new ClockProbe(-5_000_000_000L),
                new ClockReply(System.nanoTime(), -3_600_000_000_000L, 1_700_000_000_000_000L),
                new LatencyRequest(0),
                new LatencyRequest(1_000_000_000L),
                new LatencyReport(1_000_000_000L, new LatencyReport.LatencySummary(10_000, 150, 2_000, 9_000, 41_000_000),
                        List.of(new LatencyReport.Interval(0, 100_000_000L, new LatencyReport.LatencySummary(900, 140, 1_900, 8_000, 41_000_000)),
                                new LatencyReport.Interval(100_000_000L, 200_000_000L, new LatencyReport.LatencySummary(0, 0, 0, 0, 0)))),
                new GuestName("web-01.eu_west"),
                new LinkProbe(0, true, 0),
                new LinkProbe(3, false, LinkProbe.MAX_FILLER_BYTES),
                new LinkProbeReply(3, 1L << 20, 31_250_000L));
    }

    static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(new FrameDecoder(MAX_PAYLOAD_BYTES), new MessageDecoder());
    }

    static ByteBuf encode(Message message) {
        return MessageCodec.encode(ByteBufAllocator.DEFAULT, message);
    }

    static byte[] encodeToBytes(Message message) {
        ByteBuf frame = encode(message);
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    /** Everything the channel decoded so far. */
    static List<Message> drain(EmbeddedChannel channel) {
        List<Message> out = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            out.add((Message) o);
        }
        return out;
    }
}
