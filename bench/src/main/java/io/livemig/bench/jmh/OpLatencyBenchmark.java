package io.livemig.bench.jmh;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the emulator adds to each batch of guest operations to record their latencies
 * ({@code OpLatencyRecorder.completed}): one {@code SingleWriterRecorder.recordValueWithCount} into
 * a 2-digit auto-resizing histogram; the time comes from the heartbeat the batch writes anyway.
 * {@code nanoTime} shows what a clock read of its own would have cost on top. The difference to
 * {@code nothing} is the cost per batch; divided by a workload's time per batch it is the share
 * of the guest's time it takes (docs/performance.md). All in one JVM, so the comparison does not
 * depend on which fork met which load.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2)
@State(Scope.Thread)
public class OpLatencyBenchmark {
    private SingleWriterRecorder recorder;
    private Histogram spare;
    private long last;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        recorder = new SingleWriterRecorder(2);
        last = 1;
    }

    /** Drained now and then, as the latency monitor does every 100 ms, so the histogram stays small. */
    @Setup(Level.Iteration)
    public void drain() {
        spare = recorder.getIntervalHistogram(spare);
    }

    @Benchmark
    public long nothing() {
        return counter++;
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** A batch of 64 operations: the emulator's path when no safe-point wait came between two batches. */
    @Benchmark
    public long recordBatch() {
        long nowMicros = last + 1 + (counter++ & 15); // as heartbeats advance: a few microseconds a batch
        recorder.recordValueWithCount(Math.max(0, (nowMicros - last) * 1_000 / 64), 64);
        last = nowMicros;
        return nowMicros;
    }
}
