package io.livemig.migrator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class BlockCodecTest {

    @Test
    void theNativeCodecsLoadOnThisMachine() {
        assertThat(LZ4Factory.fastestInstance().toString()).as("lz4-java's JNI build").contains("JNI");
        assertThat(com.github.luben.zstd.util.Native.isLoaded() || loadZstd()).as("zstd-jni's native library").isTrue();
    }

    private static boolean loadZstd() {
        com.github.luben.zstd.util.Native.load();
        return com.github.luben.zstd.util.Native.isLoaded();
    }

    @ParameterizedTest
    @EnumSource(value = PageCompression.class, names = {"LZ4", "ZSTD"})
    void textShrinksAndComesBackByteForByte(PageCompression compression) {
        byte[] raw = text(256 << 10);
        try (BlockCodec codec = BlockCodec.create(compression)) {
            ByteBuf src = direct(raw);
            ByteBuf packed = ByteBufAllocator.DEFAULT.directBuffer();
            int length = codec.compress(src, src.readerIndex(), raw.length, packed);
            assertThat(length).isEqualTo(packed.readableBytes()).isLessThan(raw.length / 2);

            ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer();
            codec.decompress(packed, packed.readerIndex(), length, out, raw.length);
            byte[] back = new byte[out.readableBytes()];
            out.readBytes(back);
            assertThat(back).isEqualTo(raw);
            src.release();
            packed.release();
            out.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = PageCompression.class, names = {"LZ4", "ZSTD"})
    void aBlockThatIsMalformedOrOfAnotherSizeIsRefused(PageCompression compression) {
        byte[] raw = text(64 << 10);
        try (BlockCodec codec = BlockCodec.create(compression)) {
            ByteBuf src = direct(raw);
            ByteBuf packed = ByteBufAllocator.DEFAULT.directBuffer();
            int length = codec.compress(src, src.readerIndex(), raw.length, packed);
            ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(raw.length * 2);

            assertThatThrownBy(() -> codec.decompress(packed, packed.readerIndex(), length, out, raw.length - 1))
                    .isExactlyInstanceOf(ProtocolException.class);
            assertThatThrownBy(() -> codec.decompress(packed, packed.readerIndex(), length, out.clear(), raw.length + 1))
                    .isExactlyInstanceOf(ProtocolException.class);
            ByteBuf garbage = direct(new Random(1).ints(4096, 0, 256).collect(java.io.ByteArrayOutputStream::new,
                    (b, i) -> b.write(i), (a, b) -> { }).toByteArray());
            assertThatThrownBy(() -> codec.decompress(garbage, 0, 4096, out.clear(), raw.length))
                    .isExactlyInstanceOf(ProtocolException.class);
            src.release();
            packed.release();
            out.release();
            garbage.release();
        }
    }

    static byte[] text(int bytes) {
        String[] words = {"migration", "page", "round", "dirty", "guest", "memory", "the", "of", "and", "converges",
                "downtime", "bandwidth", "throttle", "vCPU", "destination", "source"};
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes) sb.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? ".\n" : " ");
        return sb.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
    }

    private static ByteBuf direct(byte[] bytes) {
        return ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }
}
