package io.livemig.emulator;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpLatencyRecorderTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBatchIsSharedEvenlyByItsOperations() {
        OpLatencyRecorder recorder = new OpLatencyRecorder();
        recorder.completed(1_000, 64);      // no previous completion here: not recorded
        recorder.completed(1_000 + 64, 64); // 64 ops in 64 us (times are the heartbeats' microseconds)
        Histogram h = drain(recorder);
        assertThat(h.getTotalCount()).isEqualTo(64);
        assertThat(h.getMaxValue()).isBetween(990L, 1_010L);
        assertThat(h.getMinValue()).isBetween(990L, 1_010L);
    }

    @Test
    void aWaitIsChargedToOneOperationNotSpreadOverTheBatch() {
        OpLatencyRecorder recorder = new OpLatencyRecorder();
        recorder.completed(1, 64);
        recorder.waited(10 * MS);                     // throttled for 10 ms at the safe point
        recorder.completed(1 + 10_000 + 64, 64);
        Histogram h = drain(recorder);
        assertThat(h.getTotalCount()).isEqualTo(64);
        assertThat(h.getValueAtPercentile(50)).isBetween(990L, 1_010L);
        assertThat(h.getCountBetweenValues(10 * MS, 11 * MS)).isEqualTo(1);
    }

    @Test
    void aWallClockSteppedBackGivesZeroNotANegativeLatency() {
        OpLatencyRecorder recorder = new OpLatencyRecorder();
        recorder.completed(1_000_000, 1);
        recorder.completed(999_000, 1);
        Histogram h = drain(recorder);
        assertThat(h.getTotalCount()).isEqualTo(1);
        assertThat(h.getMaxValue()).isZero();
    }

    @Test
    void readersTakeIntervalsAndNothingIsCountedTwice() {
        OpLatencyRecorder recorder = new OpLatencyRecorder();
        recorder.completed(1, 1);
        recorder.completed(1 + 5, 1);
        assertThat(drain(recorder).getTotalCount()).isEqualTo(1);
        assertThat(drain(recorder).getTotalCount()).isZero();
        recorder.completed(1 + 9, 2);
        assertThat(drain(recorder).getTotalCount()).isEqualTo(2);
    }

    @Test
    void aRunningGuestRecordsItsPauseAsTheLatencyOfTheOperationItHeldUp() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("lat", new GuestConfig(4L << 20, 1), new CountingProgram(64))) {
            vm.start();
            awaitOps(vm, 1_000);
            vm.pause();
            Thread.sleep(60);
            Histogram before = new Histogram(2);
            vm.drainOpLatencies(before);
            assertThat(before.getTotalCount()).isPositive();
            long ops = vm.totalOps();
            vm.resume();
            awaitOps(vm, ops + 1_000);
            Histogram after = new Histogram(2);
            vm.drainOpLatencies(after);
            assertThat(after.getMaxValue()).as("the operation in flight waited out the pause").isGreaterThanOrEqualTo(59 * MS);
            assertThat(after.getValueAtPercentile(50)).as("the rest ran at full speed").isLessThan(MS);
        }
    }

    private static Histogram drain(OpLatencyRecorder recorder) {
        Histogram h = new Histogram(2);
        recorder.drainInto(h);
        return h;
    }

    private static void awaitOps(VirtualMachine vm, long ops) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (vm.totalOps() < ops) {
            if (System.nanoTime() > deadline) throw new AssertionError("guest stalled at " + vm.totalOps());
            Thread.sleep(1);
        }
    }
}
