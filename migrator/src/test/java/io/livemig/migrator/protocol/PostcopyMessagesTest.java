package io.livemig.migrator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The post-copy messages (codes 20..29): layouts, bounds, and what a peer may not send. */
class PostcopyMessagesTest {

    @Test
    void codesAreThePostcopyRange() {
        for (MessageType type : new MessageType[] {MessageType.POSTCOPY_PREPARE, MessageType.POSTCOPY_ATTACH,
                MessageType.MISSING_MAP, MessageType.POSTCOPY_START, MessageType.PAGE_REQUEST, MessageType.POSTCOPY_PUSH_DONE,
                MessageType.POSTCOPY_COMPLETE, MessageType.POSTCOPY_RESUME, MessageType.POSTCOPY_RESUME_ACK}) {
            assertThat(type.code()).isBetween(20, 29);
        }
    }

    @Test
    void aPageRequestIsTwentyBytesOnTheWire() {
        assertThat(Messages.encodeToBytes(new PageRequest(5))).hasSize(FrameFormat.HEADER_BYTES + 8 + FrameFormat.TRAILER_BYTES);
    }

    @Test
    void aMissingMapNamesItsPages() {
        MissingMap map = new MissingMap(128, new long[] {0b101, 0, 1L << 63});
        assertThat(map.missingPages()).isEqualTo(3);
        assertThat(map.coveredPages()).isEqualTo(192);
        assertThat(map.isMissing(0)).isTrue();
        assertThat(map.isMissing(1)).isFalse();
        assertThat(map.isMissing(2)).isTrue();
        assertThat(map.isMissing(191)).isTrue();
    }

    @Test
    void recordsRefuseWhatNoPeerMaySend() {
        assertThatThrownBy(() -> new MissingMap(63, new long[1])).hasMessageContaining("multiple of 64");
        assertThatThrownBy(() -> new MissingMap(0, new long[0])).hasMessageContaining("1..65536 words");
        assertThatThrownBy(() -> new MissingMap(0, new long[MissingMap.MAX_WORDS + 1])).hasMessageContaining("1..65536 words");
        assertThatThrownBy(() -> new PageRequest(-1)).hasMessageContaining("page -1");
        assertThatThrownBy(() -> new PostcopyAttach(new byte[31])).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new PostcopyComplete(0, 0, 0, 0, 0, 0, 0, 0, new long[0])).hasMessageContaining("vCPUs");
        assertThatThrownBy(() -> new PostcopyComplete(0, 0, 0, -1, 0, 0, 0, 0, new long[1])).hasMessageContaining("faults");
    }

    @Test
    void aHugeWordCountIsRefusedBeforeAnythingIsAllocated() {
        ByteBuf payload = Unpooled.buffer().writeLong(0).writeInt(Integer.MAX_VALUE);
        byte[] frame = MessageCodecTest.frame(MessageType.MISSING_MAP.code(), bytes(payload));
        assertRefused(frame, "words count 2147483647 exceeds 65536");
    }

    @Test
    void aWordCountBeyondThePayloadIsRefused() {
        ByteBuf payload = Unpooled.buffer().writeLong(64).writeInt(3).writeLong(1).writeLong(2);
        assertRefused(MessageCodecTest.frame(MessageType.MISSING_MAP.code(), bytes(payload)), "truncated");
    }

    @Test
    void aNegativePageRequestFromAPeerIsAProtocolError() {
        ByteBuf payload = Unpooled.buffer().writeLong(-5);
        assertRefused(MessageCodecTest.frame(MessageType.PAGE_REQUEST.code(), bytes(payload)), "invalid PAGE_REQUEST");
    }

    @Test
    void blocktimeForTooManyVcpusIsRefused() {
        ByteBuf payload = Unpooled.buffer();
        for (int i = 0; i < 8; i++) payload.writeLong(0);
        payload.writeInt(ProtocolLimits.MAX_VCPUS + 1);
        assertRefused(MessageCodecTest.frame(MessageType.POSTCOPY_COMPLETE.code(), bytes(payload)), "exceeds 256");
    }

    @Test
    void unusedCodesOfTheRangeAreRefused() {
        assertRefused(MessageCodecTest.frame(29, new byte[0]), "unknown frame type 29");
        assertRefused(MessageCodecTest.frame(19, new byte[0]), "unknown frame type 19");
    }

    private static void assertRefused(byte[] frame, String messagePart) {
        EmbeddedChannel channel = Messages.decoderChannel();
        try {
            assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame)))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessageContaining(messagePart);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.release();
        return b;
    }
}
