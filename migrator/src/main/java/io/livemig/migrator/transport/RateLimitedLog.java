package io.livemig.migrator.transport;

import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * At most one line per interval for an event that may repeat thousands of times a second (a flood
 * of connections): the first occurrence is told at once, later ones are counted and told with the
 * next line. Thread-safe.
 */
public final class RateLimitedLog {
    private final Consumer<String> sink;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long lastLineNanos;
    private boolean anyLine;
    private long unreported;

    public RateLimitedLog(Consumer<String> sink, long intervalNanos) {
        this(sink, intervalNanos, System::nanoTime);
    }

    RateLimitedLog(Consumer<String> sink, long intervalNanos, LongSupplier clock) {
        this.sink = sink;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    /** Counts one occurrence; prints {@code line(count)} if the interval since the last line has passed. */
    public void log(LongFunction<String> line) {
        String text;
        synchronized (this) {
            unreported++;
            long now = clock.getAsLong();
            if (anyLine && now - lastLineNanos < intervalNanos) return;
            anyLine = true;
            lastLineNanos = now;
            text = line.apply(unreported);
            unreported = 0;
        }
        sink.accept(text);
    }
}
