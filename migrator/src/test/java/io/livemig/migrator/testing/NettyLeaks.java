package io.livemig.migrator.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails a test when Netty found a buffer that was dropped without being released. Netty notices a
 * leak only after the garbage collector has cleared the buffer and the next buffer is tracked, so
 * {@link #assertNone} collects garbage and allocates until every dropped buffer has been seen.
 * Tests that use it run with the paranoid level (every buffer tracked) in the {@code netty-leaks}
 * surefire execution; {@link #paranoid()} also sets it when they are run on their own.
 */
public final class NettyLeaks {
    private NettyLeaks() {}

    /** Tracks every buffer from now on. */
    public static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /** Forgets leaks reported so far (by earlier tests). */
    public static void reset() throws InterruptedException {
        collect();
        RecordingLeakDetector.LEAKS.clear();
    }

    /** Throws if any buffer was dropped unreleased since {@link #reset}. */
    public static void assertNone() throws InterruptedException {
        if (!RecordingLeakDetector.installed) {
            throw new AssertionError("the leak detector is not installed: run with -Dio.netty.customResourceLeakDetector="
                    + RecordingLeakDetector.class.getName() + " (the migrator's surefire configuration sets it)");
        }
        collect();
        List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
        RecordingLeakDetector.LEAKS.clear();
        if (!leaks.isEmpty()) throw new AssertionError(leaks.size() + " leaked buffer(s):\n" + String.join("\n", leaks));
    }

    private static void collect() throws InterruptedException {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(20);
                for (int i = 0; i < 200; i++) {
                    ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(1);
                    probe.release();
                    probe = ByteBufAllocator.DEFAULT.heapBuffer(1);
                    probe.release();
                }
            }
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }
}
