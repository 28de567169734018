package io.livemig.bench.jmh;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestStatus;
import io.livemig.emulator.VirtualMachine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Pause latency: the time of one {@link VirtualMachine#pause()} call on a running guest, from the
 * request until every vCPU is parked at a safe point and the caller is back. Sampled per call
 * ({@code Mode.SampleTime}), so JMH reports the median and the p99.
 *
 * <p>Before each call a {@code @Setup(Level.Invocation)} resumes the guest and waits (outside the
 * measured time) until every vCPU has completed at least one operation since the resume and then
 * about another millisecond, so the vCPUs are really running mid-program when the pause comes,
 * not still parked from the last pause. The guest runs {@link SpinProgram} (a few microseconds
 * per step), so a vCPU reaches its next safe point within one step.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.OPEN_REFLECT,
        JvmFlags.OPEN_NIO, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, JvmFlags.NO_DISK_MONITOR})
@State(Scope.Thread)
public class PauseLatencyBenchmark {
    private static final long RUN_BEFORE_PAUSE_NANOS = 1_000_000L;

    @Param({"1", "2"})
    public int vcpus;

    private VirtualMachine vm;
    private long[] opsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        vm = VirtualMachine.boot("bench-pause", new GuestConfig(16L << 20, vcpus), new SpinProgram());
        vm.start();
        vm.pause();
        opsBefore = new long[vcpus];
    }

    @Setup(Level.Invocation)
    public void resumeAndRun() {
        for (int i = 0; i < vcpus; i++) opsBefore[i] = GuestStatus.ops(vm.memory(), i);
        vm.resume();
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int i = 0; i < vcpus; i++) {
            while (GuestStatus.ops(vm.memory(), i) == opsBefore[i]) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("vCPU " + i + " did not run after resume");
                Thread.onSpinWait();
            }
        }
        LockSupport.parkNanos(RUN_BEFORE_PAUSE_NANOS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (vm.failure() != null) throw new IllegalStateException("guest failed", vm.failure());
        vm.close();
    }

    @Benchmark
    public long pause() {
        return vm.pause();
    }
}
