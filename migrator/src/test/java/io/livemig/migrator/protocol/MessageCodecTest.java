package io.livemig.migrator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@org.junit.jupiter.api.extension.ExtendWith(io.livemig.migrator.testing.NettyLeakCheck.class)
class MessageCodecTest {

    @Test
    void everyControlMessageRoundTripsThroughThePipeline() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new FrameDecoder(Messages.MAX_PAYLOAD_BYTES), new MessageDecoder(), new MessageEncoder());
        List<Message> sent = Messages.oneOfEachControlType();
        for (Message message : sent) {
            channel.writeOutbound(message);
        }
        for (Object frame; (frame = channel.readOutbound()) != null; ) {
            channel.writeInbound(frame);
        }
        assertThat(Messages.drain(channel)).containsExactlyElementsOf(sent);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void messagesEncodedTogetherAreTheirFramesOneAfterTheOther() {
        List<Message> sent = Messages.oneOfEachControlType();
        ByteBuf together = Unpooled.buffer(16); // grows as it must
        MessageCodec.encodeAll(together, sent);
        ByteBuf oneByOne = Unpooled.buffer();
        sent.forEach(m -> oneByOne.writeBytes(Messages.encodeToBytes(m)));
        try {
            assertThat(io.netty.buffer.ByteBufUtil.equals(together, oneByOne)).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageCodec.encodeAll(together, List.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            together.release();
            oneByOne.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 13, 1000})
    void splitSlicesDecodeLikeWholeFrames(int sliceBytes) {
        List<Message> sent = Messages.oneOfEachControlType();
        ByteBuf stream = Unpooled.buffer();
        sent.forEach(m -> stream.writeBytes(Messages.encodeToBytes(m)));
        EmbeddedChannel channel = Messages.decoderChannel();
        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(Math.min(sliceBytes, stream.readableBytes())));
        }
        stream.release();
        assertThat(Messages.drain(channel)).containsExactlyElementsOf(sent);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void everyFlippedBitIsDetected() {
        byte[] frame = Messages.encodeToBytes(new RoundEnd(3, 99));
        for (int bit = 0; bit < frame.length * 8; bit++) {
            byte[] corrupt = frame.clone();
            corrupt[bit / 8] ^= (byte) (1 << (bit % 8));
            EmbeddedChannel channel = Messages.decoderChannel();
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(corrupt));
                // A flipped length bit may only make the decoder wait for bytes that never come.
                assertThat(channel.<Object>readInbound()).as("bit %d", bit).isNull();
            } catch (ProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void crcMismatchIsNamed() {
        byte[] frame = Messages.encodeToBytes(new Resumed(5, 6));
        frame[FrameFormat.HEADER_BYTES] ^= 0x40;
        assertRefused(frame, "CRC-32C mismatch");
    }

    @Test
    void truncatedPayloadIsRefused() {
        // A ROUND_END needs 12 payload bytes; send a valid frame with only 4 of them.
        assertRefused(frame(MessageType.ROUND_END.code(), new byte[] {0, 0, 0, 1}), "ROUND_END payload truncated");
    }

    @Test
    void trailingBytesAreRefused() {
        assertRefused(frame(MessageType.COMMIT.code(), new byte[] {0}), "COMMIT payload has 1 unexpected trailing bytes");
    }

    @Test
    void oversizeLengthIsRefusedFromTheHeaderAlone() {
        ByteBuf header = Unpooled.buffer().writeByte(MessageType.PAGE_BATCH.code()).writeByte(FrameFormat.FLAG_DATA_TAIL).writeShort(0)
                .writeInt(0xFFFF_FFF0);
        EmbeddedChannel channel = Messages.decoderChannel();
        // Only the 8 header bytes are fed: the refusal cannot have waited for (or allocated) the payload.
        assertThatThrownBy(() -> channel.writeInbound(header))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessage("frame payload of 4294967280 bytes exceeds the maximum of " + Messages.MAX_PAYLOAD_BYTES);
        channel.finishAndReleaseAll();
    }

    @Test
    void typeZeroIsRefused() {
        assertRefused(frame(0, new byte[0]), "frame type 0 is reserved as invalid");
    }

    @Test
    void unknownTypeIsRefused() {
        assertRefused(frame(0xEE, new byte[0]), "unknown frame type 238");
    }

    @Test
    void nonZeroFlagsAreRefused() {
        byte[] frame = frame(MessageType.READY.code(), new byte[0]);
        frame[1] = 1;
        assertRefused(frame, "frame header of READY has flags 1 (expected 0)");
    }

    @Test
    void invalidFieldIsRefusedAsProtocolError() {
        // GUEST_OFFER with page size 3
        ByteBuf payload = Unpooled.buffer().writeLong(4096).writeInt(3).writeInt(1).writeShort(0).writeByte(0);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        assertRefused(frame(MessageType.GUEST_OFFER.code(), bytes), "invalid GUEST_OFFER: page size 3");
    }

    @Test
    void anOfferOfAnUnknownModeIsRefused() {
        ByteBuf payload = Unpooled.buffer().writeLong(4096).writeInt(4096).writeInt(1).writeShort(0).writeByte(3);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        assertRefused(frame(MessageType.GUEST_OFFER.code(), bytes), "GUEST_OFFER names the unknown mode 3");
    }

    @Test
    void anOfferWithoutItsModeIsRefused() {
        // As a version-2 source would send it: the handshake refuses that version first.
        ByteBuf payload = Unpooled.buffer().writeLong(4096).writeInt(4096).writeInt(1).writeShort(0);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        assertRefused(frame(MessageType.GUEST_OFFER.code(), bytes), "GUEST_OFFER payload truncated");
    }

    @Test
    void aGuestNameOutsideTheAllowedCharactersIsRefused() {
        byte[] payload = {0, 4, 'a', ' ', 'b', '/'};
        assertRefused(frame(MessageType.GUEST_NAME.code(), payload), "invalid GUEST_NAME: guest name 'a b/' is not");
    }

    @Test
    void malformedUtf8IsRefused() {
        byte[] payload = {0, 2, (byte) 0xC3, (byte) 0x28};
        assertRefused(frame(MessageType.ABORT.code(), payload), "ABORT reason is not valid UTF-8");
    }

    @Test
    void oversizeStringLengthIsRefused() {
        byte[] payload = {(byte) 0xFF, (byte) 0xFF};
        assertRefused(frame(MessageType.REFUSE.code(), payload), "REFUSE reason of 65535 bytes exceeds 4096");
    }

    @Test
    void aLatencyReportWithTooManyIntervalsIsRefusedBeforeItsIntervalsAreRead() {
        ByteBuf payload = Unpooled.buffer().writeLong(1_000_000_000L);
        for (int i = 0; i < 5; i++) payload.writeLong(0);
        payload.writeShort(LatencyReport.MAX_INTERVALS + 1);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        assertRefused(frame(MessageType.LATENCY_REPORT.code(), bytes), "LATENCY_REPORT of 601 intervals exceeds 600");
    }

    @Test
    void aLatencyWindowOverTheLimitIsRefused() {
        byte[] payload = Unpooled.buffer().writeLong(LatencyRequest.MAX_WINDOW_NANOS + 1).array();
        assertRefused(frame(MessageType.LATENCY_REQUEST.code(), java.util.Arrays.copyOf(payload, 8)), "invalid LATENCY_REQUEST: windowNanos");
    }

    @Test
    void decoderStaysFailedAfterAnError() {
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame(0, new byte[0]))))
                .isInstanceOf(ProtocolException.class);
        channel.writeInbound(Unpooled.wrappedBuffer(Messages.encodeToBytes(new Ready())));
        assertThat(channel.<Object>readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void recordsRefuseInvalidFieldsLocally() {
        assertThatThrownBy(() -> new Hello(1, new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthProof(new byte[65])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VcpuState(0, new long[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Abort("x".repeat(4097))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Refuse("\uD800")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuestOffer(4096, 4096, 0, "idle", OfferMode.PRECOPY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuestOffer(4096, 4096, 1, "idle", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void abortBecauseFitsAnyText() {
        Abort abort = Abort.because("\uD800" + "\u00e9".repeat(5000));
        assertThat(abort.reason()).startsWith("?\u00e9");
        assertThat(Messages.encodeToBytes(abort).length).isLessThanOrEqualTo(
                FrameFormat.HEADER_BYTES + 2 + ProtocolLimits.MAX_STRING_BYTES + FrameFormat.TRAILER_BYTES);
    }

    @Test
    void versionRule() {
        assertThat(ProtocolVersion.isSupported(ProtocolVersion.CURRENT)).isTrue();
        assertThat(ProtocolVersion.isSupported(0)).isFalse();
        assertThat(ProtocolVersion.isSupported(2)).as("version 2's offer has no mode").isFalse();
        assertThat(ProtocolVersion.isSupported(ProtocolVersion.CURRENT + 1)).isFalse();
    }

    private static void assertRefused(byte[] frame, String messagePart) {
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame)))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining(messagePart);
        channel.finishAndReleaseAll();
    }

    /**
     * A well-formed frame (right flags, length and CRC) around any type code and payload; for
     * PAGE_BATCH the CRC covers the checked bytes its payload announces (all of it if that is out of range).
     */
    static byte[] frame(int typeCode, byte[] payload) {
        boolean tail = typeCode == MessageType.PAGE_BATCH.code();
        ByteBuf buf = Unpooled.buffer().writeByte(typeCode).writeByte(tail ? FrameFormat.FLAG_DATA_TAIL : 0).writeShort(0)
                .writeInt(payload.length).writeBytes(payload);
        long checked = tail && payload.length >= 4 ? buf.getUnsignedInt(FrameFormat.HEADER_BYTES) : payload.length;
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), buf.arrayOffset(), FrameFormat.HEADER_BYTES + (int) Math.min(checked, payload.length));
        buf.writeInt((int) crc.getValue());
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }
}
