package io.livemig.migrator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(io.livemig.migrator.testing.NettyLeakCheck.class)
class PageBatchTest {

    private static final int PAGE_BYTES = 4096;

    @Test
    void pagesTravelFromSourceToSinkInBatches() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 100, 4, 1);
        HeapPages sink = new HeapPages(PAGE_BYTES, 100);
        sink.fill((byte) 0x55);  // zero pages must really be zeroed on the sink
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES, 16 * 1024);
        EmbeddedChannel channel = Messages.decoderChannel();
        int frames = 0;
        for (long page = 0; page < source.pageCount(); ) {
            encoder.beginBatch(ByteBufAllocator.DEFAULT);
            while (page < source.pageCount() && !encoder.isFull()) {
                encoder.addPage(source, page++);
            }
            channel.writeInbound(encoder.finishBatch());
            frames++;
        }
        int normal = 0;
        int zero = 0;
        for (Message m : Messages.drain(channel)) {
            PageBatch batch = (PageBatch) m;
            normal += batch.normalPages();
            zero += batch.zeroPages();
            batch.applyTo(sink);
            assertThat(batch.refCnt()).isZero();
        }
        assertThat(frames).isGreaterThan(25);
        assertThat(normal + zero).isEqualTo(100);
        assertThat(sink.loads()).isEqualTo(normal);
        assertThat(sink.zeroes()).isEqualTo(zero).isPositive();
        assertThat(sink.sameContents(source)).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void zeroPagesTravelAsTheIndexAlone() {
        HeapPages source = new HeapPages(PAGE_BYTES, 10);
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES);
        encoder.beginBatch(ByteBufAllocator.DEFAULT);
        for (int page = 0; page < 10; page++) {
            encoder.addPage(source, page);
        }
        ByteBuf frame = encoder.finishBatch();
        assertThat(encoder.zeroPages()).isEqualTo(10);
        assertThat(encoder.normalPages()).isZero();
        assertThat(frame.readableBytes()).isEqualTo(FrameFormat.HEADER_BYTES + 8 + 10 * 8 + FrameFormat.TRAILER_BYTES);
        frame.release();
    }

    @Test
    void isFullByTheFrameLimit() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 10, 1000, 2);
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES, 8 + 2 * (8 + PAGE_BYTES));
        encoder.beginBatch(ByteBufAllocator.DEFAULT);
        encoder.addPage(source, 0);
        assertThat(encoder.isFull()).isFalse();
        encoder.addPage(source, 1);
        assertThat(encoder.isFull()).isTrue();
        assertThatThrownBy(() -> encoder.addPage(source, 2)).isInstanceOf(IllegalStateException.class);
        encoder.discardBatch();
        assertThat(encoder.isOpen()).isFalse();
    }

    @Test
    void encoderRefusesAMisbehavingSource() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 4, 1000, 3);
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES);
        encoder.beginBatch(ByteBufAllocator.DEFAULT);
        assertThatThrownBy(() -> encoder.addPage(source, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> encoder.addPage(new HeapPages(8192, 1), 0)).isInstanceOf(IllegalArgumentException.class);
        encoder.discardBatch();
    }

    @Test
    void pageIndexOutOfRangeIsRefusedAndChangesNothing() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 8, 1000, 4);
        HeapPages smallSink = new HeapPages(PAGE_BYTES, 4);
        PageBatch batch = decode(batchOf(source, 0, 1, 7));
        assertThatThrownBy(() -> batch.applyTo(smallSink))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessage("PAGE_BATCH page index 7 out of range: guest has 4 pages");
        assertThat(smallSink.loads()).isZero();
        assertThat(batch.refCnt()).isZero();
    }

    @Test
    void pageSizeOtherThanNegotiatedIsRefused() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 2, 1000, 5);
        PageBatch batch = decode(batchOf(source, 0));
        assertThatThrownBy(() -> batch.applyTo(new HeapPages(8192, 2)))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining("page size 4096 differs from the negotiated 8192");
    }

    @Test
    void entryCountMismatchIsRefused() {
        ByteBuf frame = batchOf(HeapPages.random(PAGE_BYTES, 2, 1000, 6), 0, 1);
        byte[] bytes = new byte[frame.readableBytes() - FrameFormat.TRAILER_BYTES - FrameFormat.HEADER_BYTES];
        frame.getBytes(FrameFormat.HEADER_BYTES, bytes);
        frame.release();
        bytes[7] = 3;  // entry count 2 -> 3
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(
                Unpooled.wrappedBuffer(MessageCodecTest.frame(MessageType.PAGE_BATCH.code(), bytes))))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessage("PAGE_BATCH announces 3 pages, payload holds 2");
        channel.finishAndReleaseAll();
    }

    @Test
    void partialPageIsRefused() {
        ByteBuf frame = batchOf(HeapPages.random(PAGE_BYTES, 1, 1000, 7), 0);
        byte[] bytes = new byte[frame.readableBytes() - FrameFormat.TRAILER_BYTES - FrameFormat.HEADER_BYTES - 1];
        frame.getBytes(FrameFormat.HEADER_BYTES, bytes);
        frame.release();
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(
                Unpooled.wrappedBuffer(MessageCodecTest.frame(MessageType.PAGE_BATCH.code(), bytes))))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining("PAGE_BATCH payload truncated");
        channel.finishAndReleaseAll();
    }

    @Test
    void decodedBatchReEncodesToTheSameFrame() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 6, 2, 8);
        ByteBuf original = batchOf(source, 5, 0, 3, 1);
        byte[] originalBytes = new byte[original.readableBytes()];
        original.getBytes(original.readerIndex(), originalBytes);
        PageBatch batch = decode(original);
        ByteBuf again = MessageCodec.encode(ByteBufAllocator.DEFAULT, batch);
        assertThat(again).isEqualTo(Unpooled.wrappedBuffer(originalBytes));
        again.release();
        batch.release();
    }

    private static ByteBuf batchOf(HeapPages source, long... pages) {
        PageBatchEncoder encoder = new PageBatchEncoder(source.pageSize());
        encoder.beginBatch(ByteBufAllocator.DEFAULT);
        for (long page : pages) {
            encoder.addPage(source, page);
        }
        return encoder.finishBatch();
    }

    private static PageBatch decode(ByteBuf frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FrameFormat.DEFAULT_MAX_PAYLOAD_BYTES),
                new MessageDecoder());
        channel.writeInbound(frame);
        PageBatch batch = channel.readInbound();
        assertThat(channel.finish()).isFalse();
        return batch;
    }
}
