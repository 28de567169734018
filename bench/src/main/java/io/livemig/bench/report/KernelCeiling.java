package io.livemig.bench.report;

import io.livemig.migrator.process.ChildJvm;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * The kernel figure beside the transport ceiling ({@link RawCeiling}): the same bytes written in
 * 512 KiB blocking writes from one direct buffer to a {@link KernelSinkMain} in a child JVM, which
 * reads them into one buffer and drops them. Loopback TCP and two JVMs, nothing else; like
 * {@code iperf3 -l 512K}, which is not installed here.
 */
final class KernelCeiling {
    private static final int WRITE_BYTES = 512 << 10;

    private KernelCeiling() {}

    /** Sends {@code totalBytes} after a 32 MiB warm-up; returns bytes/s. */
    static double measure(long totalBytes) throws Exception {
        try (ChildJvm sink = ChildJvm.start("kernel-sink", KernelSinkMain.class.getName(), List.of(), null, null)) {
            int port = sink.awaitListening(Duration.ofSeconds(120));
            try (SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                ByteBuffer block = ByteBuffer.allocateDirect(WRITE_BYTES);
                for (int i = 0; i < WRITE_BYTES; i++) block.put(i, (byte) (i * 31 + 7));
                send(socket, block, 32L << 20);
                long t0 = System.nanoTime();
                send(socket, block, totalBytes);
                return totalBytes * 1e9 / (System.nanoTime() - t0);
            } finally {
                if (sink.awaitExit(Duration.ofSeconds(10)) == null) sink.close();
            }
        }
    }

    /** Announces the count, writes it, waits for the sink's one-byte answer that all arrived. */
    private static void send(SocketChannel socket, ByteBuffer block, long bytes) throws Exception {
        ByteBuffer count = ByteBuffer.allocate(Long.BYTES).putLong(0, bytes);
        while (count.hasRemaining()) socket.write(count);
        for (long left = bytes; left > 0; ) {
            block.clear().limit((int) Math.min(WRITE_BYTES, left));
            while (block.hasRemaining()) left -= socket.write(block);
        }
        ByteBuffer answer = ByteBuffer.allocate(1);
        while (answer.hasRemaining()) {
            if (socket.read(answer) < 0) throw new IllegalStateException("kernel sink closed early");
        }
    }
}
