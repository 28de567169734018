package io.livemig.bench.report;

import java.util.List;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.protocol.PageBatchEncoder;
import io.livemig.migrator.protocol.PageSource;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.IoCodeCompilation;
import io.livemig.migrator.transport.Transport;
import io.livemig.migrator.protocol.Message;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The raw-throughput ceiling of the migrator's transport on loopback: ready-made PAGE_BATCH frames
 * (built once by {@link PageBatchEncoder} from random heap pages, the same 512 KiB frames a migration
 * sends, each made contiguous) written through {@link Connection#sendPages} to a {@link RawSinkMain} in a child JVM, which
 * decodes each frame (length, CRC32C, page entries) and drops it. No guest memory is read and no
 * page is loaded: what is left is Netty, the kernel's loopback and the codec.
 */
final class RawCeiling {
    private static final int PAGE = 4096;
    private static final int DISTINCT_FRAMES = 32;

    private RawCeiling() {}

    /** Sends {@code totalBytes} (rounded to whole frames) after a 64-frame warm-up; returns bytes/s. */
    static double measure(long totalBytes) throws Exception {
        return measure(totalBytes, 1);
    }

    /**
     * The same over {@code connections} connections at once (one sending thread each, an I/O thread
     * per connection on both sides), {@code totalBytes / connections} on each; returns the sum in bytes/s.
     */
    static double measure(long totalBytes, int connections) throws Exception {
        IoCodeCompilation.requestOnce(); // the same compilation as a migration's source and destination
        try (ChildJvm sink = ChildJvm.start("raw-sink", RawSinkMain.class.getName(), List.of(String.valueOf(connections)), null, null);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS, connections)) {
            int port = sink.awaitListening(Duration.ofSeconds(120));
            Connection[] links = new Connection[connections];
            ByteBuf[][] frames = new ByteBuf[connections][];
            try {
                for (int i = 0; i < connections; i++) {
                    links[i] = transport.connect(new HostPort("127.0.0.1", port), Duration.ofSeconds(10));
                    frames[i] = buildFrames(links[i]);
                }
                int frameBytes = frames[0][0].readableBytes();
                long count = Math.max(1, totalBytes / connections / frameBytes);
                runAll(links, frames, 64, 0);
                long t0 = System.nanoTime();
                runAll(links, frames, count, 1);
                long nanos = System.nanoTime() - t0;
                return connections * count * (double) frameBytes * 1e9 / nanos;
            } finally {
                for (int i = 0; i < connections; i++) {
                    if (frames[i] != null) for (ByteBuf f : frames[i]) f.release();
                    if (links[i] != null) links[i].close();
                }
                if (sink.awaitExit(Duration.ofSeconds(10)) == null) sink.close();
            }
        }
    }

    private static void runAll(Connection[] links, ByteBuf[][] frames, long count, int round) throws Exception {
        Thread[] senders = new Thread[links.length];
        Exception[] failure = new Exception[1];
        for (int i = 0; i < links.length; i++) {
            int c = i;
            senders[i] = new Thread(() -> {
                try {
                    sendAndAwait(links[c], frames[c], count, round);
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "raw-sender-" + i);
            senders[i].start();
        }
        for (Thread t : senders) t.join();
        if (failure[0] != null) throw failure[0];
    }

    private static void sendAndAwait(Connection connection, ByteBuf[] frames, long count, int round) throws Exception {
        for (long i = 0; i < count; i++) {
            connection.sendPages(frames[(int) (i % frames.length)].retainedDuplicate());
        }
        connection.send(new RoundEnd(round, 0));
        Message reply = connection.receive(Duration.ofSeconds(120));
        try {
            if (!(reply instanceof RoundEnd end) || end.round() != round) {
                throw new IllegalStateException("unexpected reply " + reply);
            }
        } finally {
            ReferenceCountUtil.release(reply);
        }
    }

    private static ByteBuf[] buildFrames(Connection connection) {
        HeapPages pages = new HeapPages(4096, 42);
        PageBatchEncoder encoder = new PageBatchEncoder(PAGE);
        ByteBuf[] frames = new ByteBuf[DISTINCT_FRAMES];
        long next = 0;
        for (int f = 0; f < frames.length; f++) {
            encoder.beginBatch(connection.alloc());
            while (!encoder.isFull()) encoder.addPage(pages, next++ % pages.pageCount());
            ByteBuf parts = encoder.finishBatch();
            // One contiguous buffer per frame: the ceiling measures the transport alone, with the simplest writes.
            frames[f] = connection.alloc().directBuffer(parts.readableBytes());
            frames[f].writeBytes(parts);
            parts.release();
        }
        return frames;
    }

    /** Random pages on the heap. */
    private static final class HeapPages implements PageSource {
        private final byte[] bytes;
        private final int count;

        HeapPages(int count, long seed) {
            this.count = count;
            this.bytes = new byte[count * PAGE];
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) rnd.nextInt(1, 256);
        }

        @Override public int pageSize() { return PAGE; }
        @Override public long pageCount() { return count; }
        @Override public boolean isZeroPage(long pageIndex) { return false; }
        @Override public void copyPage(long pageIndex, ByteBuf dst) { dst.writeBytes(bytes, (int) pageIndex * PAGE, PAGE); }
    }
}
