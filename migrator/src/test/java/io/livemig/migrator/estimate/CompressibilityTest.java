package io.livemig.migrator.estimate;

import io.livemig.emulator.GuestMemory;
import io.livemig.migrator.migration.CompressionMode;
import io.livemig.migrator.protocol.PageCompression;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** How the guest's pages compress, and the page rate the model then sees. */
class CompressibilityTest {
    private static final long MEMORY = 4 << 20;

    @Test
    void textCompressesAndThePagesMoveFasterThanTheLinkWithACodec() {
        try (GuestMemory memory = GuestMemory.allocate(MEMORY)) {
            byte[] text = "the quick brown fox jumps over the lazy dog, again and again. ".getBytes(StandardCharsets.US_ASCII);
            for (long at = 0; at < MEMORY; at += 8) memory.writeLong(at, bytesAt(text, (int) (at % text.length)));
            Compressibility pages = Compressibility.measure(memory, CompressionMode.AUTO);
            assertThat(pages.codecs()).extracting(Compressibility.CodecFigure::codec)
                    .containsExactly(PageCompression.LZ4, PageCompression.ZSTD);
            assertThat(pages.codecs()).allSatisfy(f -> assertThat(f.ratio()).isGreaterThan(3));
            double link = 32 << 20;
            assertThat(pages.pageRate(link, CompressionMode.AUTO)).isGreaterThan(3 * link);
            assertThat(pages.pageRate(link, CompressionMode.NONE)).as("without a codec, the link").isEqualTo(link);
        }
    }

    @Test
    void randomPagesDoNotCompressAndAutoKeepsTheLinksRate() {
        try (GuestMemory memory = GuestMemory.allocate(MEMORY)) {
            Random random = new Random(7);
            for (long at = 0; at < MEMORY; at += 8) memory.writeLong(at, random.nextLong());
            Compressibility pages = Compressibility.measure(memory, CompressionMode.ZSTD);
            assertThat(pages.codecs()).singleElement().satisfies(f -> assertThat(f.ratio()).isBetween(0.99, 1.01));
            assertThat(pages.pageRate(1e12, CompressionMode.ZSTD)).as("a fast link: the codec's own speed bounds it").isLessThan(1e12);
        }
    }

    @Test
    void nothingIsMeasuredWithoutACodecOrWithoutPagesThatHoldData() {
        try (GuestMemory memory = GuestMemory.allocate(MEMORY)) {
            assertThat(Compressibility.measure(memory, CompressionMode.AUTO)).isEqualTo(Compressibility.NONE);
            memory.writeLong(0, 42);
            assertThat(Compressibility.measure(memory, CompressionMode.NONE)).isEqualTo(Compressibility.NONE);
        }
    }

    private static long bytesAt(byte[] text, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (text[(from + i) % text.length] & 0xFF);
        return v;
    }
}
