package io.livemig.migrator.protocol;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Compresses and decompresses a batch's data block as one unit, between direct buffers, with no
 * copy on the Java side. One per thread: the native contexts are reused and not thread-safe.
 * Decompression is bounded by the announced size, so a hostile block cannot make it write more.
 */
public abstract sealed class BlockCodec implements AutoCloseable {

    public static BlockCodec create(PageCompression compression) {
        return switch (compression) {
            case LZ4 -> new Lz4();
            case ZSTD -> new Zstd();
            case NONE -> throw new IllegalArgumentException("no codec for NONE");
        };
    }

    public abstract PageCompression compression();

    /** Room the compressed form of {@code rawBytes} may need. */
    public abstract int maxCompressedBytes(int rawBytes);

    /** Compresses {@code src[index, index + length)} to {@code dst} at its writer index, advancing it; returns the bytes written. */
    public final int compress(ByteBuf src, int index, int length, ByteBuf dst) {
        dst.ensureWritable(maxCompressedBytes(length));
        int at = dst.writerIndex();
        int written = compress(direct(src, index, length), dst.internalNioBuffer(at, dst.writableBytes()), length);
        dst.writerIndex(at + written);
        return written;
    }

    /**
     * Decompresses {@code src[index, index + length)} to {@code dst} at its writer index, which must
     * yield exactly {@code rawBytes}.
     *
     * @throws ProtocolException for a block that is malformed or of another size
     */
    public final void decompress(ByteBuf src, int index, int length, ByteBuf dst, int rawBytes) {
        dst.ensureWritable(rawBytes);
        int at = dst.writerIndex();
        ByteBuffer in = direct(src, index, length);
        ByteBuffer out = dst.internalNioBuffer(at, rawBytes);
        int produced;
        try {
            produced = decompress(in, out, length, rawBytes);
        } catch (RuntimeException e) {
            throw new ProtocolException("PAGE_BATCH " + compression() + " data block is malformed: " + e.getMessage(), e);
        }
        if (produced != rawBytes) {
            throw new ProtocolException("PAGE_BATCH " + compression() + " data block holds " + produced + " bytes, header says "
                    + rawBytes);
        }
        dst.writerIndex(at + rawBytes);
    }

    /** The bytes as one direct buffer positioned at them: the buffer's own view, or (rarely: a composite) a copy. */
    private static ByteBuffer direct(ByteBuf buf, int index, int length) {
        if (buf.isDirect() && buf.nioBufferCount() == 1) return buf.internalNioBuffer(index, length);
        ByteBuffer copy = ByteBuffer.allocateDirect(length);
        buf.getBytes(index, copy);
        return copy.flip();
    }

    abstract int compress(ByteBuffer src, ByteBuffer dst, int length);

    abstract int decompress(ByteBuffer src, ByteBuffer dst, int length, int rawBytes);

    @Override
    public void close() {
    }

    /** LZ4 block format (lz4-java's fastest implementation here, native when it loads). */
    static final class Lz4 extends BlockCodec {
        private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
        private final LZ4Compressor compressor = FACTORY.fastCompressor();
        private final LZ4SafeDecompressor decompressor = FACTORY.safeDecompressor();

        @Override
        public PageCompression compression() {
            return PageCompression.LZ4;
        }

        @Override
        public int maxCompressedBytes(int rawBytes) {
            return compressor.maxCompressedLength(rawBytes);
        }

        @Override
        int compress(ByteBuffer src, ByteBuffer dst, int length) {
            return compressor.compress(src, src.position(), length, dst, dst.position(), dst.remaining());
        }

        @Override
        int decompress(ByteBuffer src, ByteBuffer dst, int length, int rawBytes) {
            try {
                return decompressor.decompress(src, src.position(), length, dst, dst.position(), rawBytes);
            } catch (LZ4Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    /** zstd frames at level 1, the fastest (QEMU's multifd default too). */
    static final class Zstd extends BlockCodec {
        static final int LEVEL = 1;
        private final ZstdCompressCtx compressor = new ZstdCompressCtx().setLevel(LEVEL);
        private final ZstdDecompressCtx decompressor = new ZstdDecompressCtx();

        @Override
        public PageCompression compression() {
            return PageCompression.ZSTD;
        }

        @Override
        public int maxCompressedBytes(int rawBytes) {
            return (int) com.github.luben.zstd.Zstd.compressBound(rawBytes);
        }

        @Override
        int compress(ByteBuffer src, ByteBuffer dst, int length) {
            return compressor.compressDirectByteBuffer(dst, dst.position(), dst.remaining(), src, src.position(), length);
        }

        @Override
        int decompress(ByteBuffer src, ByteBuffer dst, int length, int rawBytes) {
            try {
                return decompressor.decompressDirectByteBuffer(dst, dst.position(), rawBytes, src, src.position(), length);
            } catch (ZstdException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            compressor.close();
            decompressor.close();
        }
    }
}
