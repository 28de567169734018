package io.livemig.bench.report;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The far end of the kernel figure: a plain blocking socket on 127.0.0.1:0. The sender announces
 * a byte count (8 bytes) and sends that many; the sink reads them into one direct buffer, drops
 * them and answers one byte. No framing, no checksum, one thread: what is left is loopback TCP.
 */
public final class KernelSinkMain {
    static final int READ_BYTES = 512 << 10;

    private KernelSinkMain() {}

    public static void main(String[] args) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            System.out.println("kernel sink: listening on 127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort());
            System.out.flush();
            try (SocketChannel socket = server.accept()) {
                ByteBuffer count = ByteBuffer.allocate(Long.BYTES);
                ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
                while (true) {
                    count.clear();
                    while (count.hasRemaining()) {
                        if (socket.read(count) < 0) return;
                    }
                    long left = count.flip().getLong();
                    while (left > 0) {
                        buffer.clear().limit((int) Math.min(READ_BYTES, left));
                        int n = socket.read(buffer);
                        if (n < 0) return;
                        left -= n;
                    }
                    socket.write(ByteBuffer.wrap(new byte[] {1}));
                }
            }
        }
    }
}
