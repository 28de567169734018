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
        assertThat(frame.readableBytes()).isEqualTo(FrameFormat.HEADER_BYTES + PageBatch.HEADER_BYTES + 10 * 8 + FrameFormat.TRAILER_BYTES);
        frame.release();
    }

    @Test
    void isFullByTheFrameLimit() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 10, 1000, 2);
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES, PageBatch.HEADER_BYTES + 2 * (8 + PAGE_BYTES));
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
        bytes[11] = 3;  // entry count 2 -> 3, the checked length left as it was
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(
                Unpooled.wrappedBuffer(MessageCodecTest.frame(MessageType.PAGE_BATCH.code(), bytes))))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessage("PAGE_BATCH of 3 entries announces 36 checked bytes");
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
                .hasMessage("PAGE_BATCH data block of 4095 bytes for 4096 bytes of NONE data");
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

    @Test
    void runsOfPagesAreLentToTheWireAndScatteredPagesCopied() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 64, 1000, 9);
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES);
        encoder.beginBatch(ByteBufAllocator.DEFAULT);
        long[] pages = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 22, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 50};
        for (long page : pages) encoder.addPage(source, page);
        PageFrame frame = encoder.finishFrame();

        // header block, pages 0-15 lent, 20 and 22 copied, 30-39 lent, 50 copied, CRC
        assertThat(frame.partCount()).isEqualTo(6);
        assertThat(source.lends()).isEqualTo(2);
        HeapPages sink = new HeapPages(PAGE_BYTES, 64);
        decode(frame.toByteBuf(ByteBufAllocator.DEFAULT)).applyTo(sink);
        for (long page : pages) assertThat(sink.page(page)).isEqualTo(source.page(page));
        assertThat(sink.loads()).isEqualTo(pages.length);
    }

    @Test
    void theCrcCoversTheEntriesButNotThePageBytes() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 2, 1000, 10);
        byte[] frame = bytesOf(batchOf(source, 0, 1));
        int firstDataByte = FrameFormat.HEADER_BYTES + PageBatch.HEADER_BYTES + 2 * PageEntry.BYTES;

        byte[] changedPage = frame.clone();
        changedPage[firstDataByte + 100] ^= 1;  // as if the guest wrote the page while it was on its way
        HeapPages sink = new HeapPages(PAGE_BYTES, 2);
        decode(Unpooled.wrappedBuffer(changedPage)).applyTo(sink);
        assertThat(sink.page(1)).isEqualTo(source.page(1));
        assertThat(sink.page(0)).isNotEqualTo(source.page(0));  // the memory digest catches it end to end

        byte[] changedEntry = frame.clone();
        changedEntry[firstDataByte - 1] ^= 1;  // page index 1 -> 0
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(changedEntry)))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining("frame CRC-32C mismatch");
        channel.finishAndReleaseAll();
    }

    @Test
    void aTailFlagOnAControlFrameOrNoneOnAPageBatchIsRefused() {
        byte[] ready = Messages.encodeToBytes(new Ready());
        ready[1] = FrameFormat.FLAG_DATA_TAIL;
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(ready)))
                .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("has flags 1 (expected 0)");
        channel.finishAndReleaseAll();

        byte[] batch = bytesOf(batchOf(HeapPages.random(PAGE_BYTES, 1, 1000, 11), 0));
        batch[1] = 0;
        EmbeddedChannel other = Messages.decoderChannel();
        assertThatThrownBy(() -> other.writeInbound(Unpooled.wrappedBuffer(batch)))
                .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("has flags 0 (expected 1)");
        other.finishAndReleaseAll();
    }

    @Test
    void aCheckedLengthBeyondThePayloadIsRefused() {
        byte[] batch = bytesOf(batchOf(HeapPages.random(PAGE_BYTES, 1, 1000, 12), 0));
        batch[FrameFormat.HEADER_BYTES] = 0x7F;  // checked bytes: about 2 GiB
        EmbeddedChannel channel = Messages.decoderChannel();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(batch)))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining("checked bytes in a payload of " + (PageBatch.HEADER_BYTES + 8 + PAGE_BYTES));
        channel.finishAndReleaseAll();
    }

    @Test
    void pagesSentBeforeGoAsDeltasAgainstTheCacheAndArriveWhole() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 16, 1000, 13);
        HeapPages sink = new HeapPages(PAGE_BYTES, 16);
        try (DeltaCache cache = new DeltaCache(1 << 20, PAGE_BYTES)) {
            PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES);
            encoder.deltasFrom(cache);
            sendAll(encoder, source, sink);
            assertThat(encoder.deltaPages()).isZero();
            assertThat(cache.misses()).isEqualTo(16);

            byte[] page = source.page(3);
            page[100] ^= 1;
            page[2000] ^= 1;
            source.setPage(3, page);
            byte[] other = source.page(9);
            java.util.Arrays.fill(other, 0, 3000, (byte) 7);  // most of the page: sent whole
            source.setPage(9, other);
            sendAll(encoder, source, sink);

            assertThat(encoder.deltaPages()).isEqualTo(15);
            assertThat(encoder.normalPages()).isEqualTo(1);
            assertThat(encoder.dataBytes()).isLessThan(PAGE_BYTES + 100);  // 14 empty deltas, one of 6 bytes, one page
            assertThat(sink.sameContents(source)).isTrue();
            assertThat(sink.patched()).isEqualTo(15);
            encoder.close();
        }
    }

    @Test
    void aZeroedPageLeavesTheCache() {
        HeapPages source = HeapPages.random(PAGE_BYTES, 2, 1000, 14);
        HeapPages sink = new HeapPages(PAGE_BYTES, 2);
        try (DeltaCache cache = new DeltaCache(1 << 20, PAGE_BYTES)) {
            PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES);
            encoder.deltasFrom(cache);
            sendAll(encoder, source, sink);
            source.setPage(0, new byte[PAGE_BYTES]);
            sendAll(encoder, source, sink);
            source.setPage(0, HeapPages.random(PAGE_BYTES, 1, 1000, 15).page(0));
            sendAll(encoder, source, sink);
            assertThat(sink.sameContents(source)).isTrue();
            assertThat(cache.size()).isEqualTo(2);
            encoder.close();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = PageCompression.class, names = {"LZ4", "ZSTD"})
    void compressedBatchesArriveWholeAndIncompressibleOnesGoAsTheyAre(PageCompression compression) {
        HeapPages text = new HeapPages(PAGE_BYTES, 32);
        byte[] words = BlockCodecTest.text(32 * PAGE_BYTES);
        for (int p = 0; p < 32; p++) text.setPage(p, java.util.Arrays.copyOfRange(words, p * PAGE_BYTES, (p + 1) * PAGE_BYTES));
        HeapPages random = HeapPages.random(PAGE_BYTES, 32, 1000, 16);
        try (BlockCodec codec = BlockCodec.create(compression)) {
            PageBatchEncoder encoder = new PageBatchEncoder(PAGE_BYTES);
            encoder.compressWith(codec);

            HeapPages sink = new HeapPages(PAGE_BYTES, 32);
            PageBatch batch = sendAll(encoder, text, sink);
            assertThat(sink.sameContents(text)).isTrue();
            assertThat(encoder.dataWireBytes()).isLessThan(encoder.dataBytes() / 2);
            assertThat(encoder.compressNanos()).isPositive();

            HeapPages other = new HeapPages(PAGE_BYTES, 32);
            sendAll(encoder, random, other);
            assertThat(other.sameContents(random)).isTrue();
            assertThat(encoder.dataWireBytes()).as("sent as it is").isEqualTo(encoder.dataBytes());
            encoder.close();
        }
    }

    /** One batch of every page of {@code source}, through the decoder, loaded into {@code sink}. */
    private static PageBatch sendAll(PageBatchEncoder encoder, HeapPages source, HeapPages sink) {
        encoder.beginBatch(ByteBufAllocator.DEFAULT);
        for (long page = 0; page < source.pageCount(); page++) encoder.addPage(source, page);
        PageBatch batch = decode(encoder.finishFrame().toByteBuf(ByteBufAllocator.DEFAULT));
        batch.applyTo(sink);
        return batch;
    }

    private static byte[] bytesOf(ByteBuf frame) {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        frame.release();
        return bytes;
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
