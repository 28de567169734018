package io.livemig.migrator.migration;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BaselineTest {
    private final List<Duration> waits = new ArrayList<>();

    private void recordAndWait(Duration d) throws InterruptedException {
        waits.add(d);
        Thread.sleep(d.toMillis());
    }

    @Test
    void theGuestWarmsUpForHalfTheTimeAndIsMeasuredOverTheOtherHalf() throws Exception {
        try (VirtualMachine vm = runningGuest()) {
            Baseline baseline = Baseline.measure(vm, Duration.ofMillis(600), HostClock.SYSTEM, this::recordAndWait);
            closeLatency(baseline);

            assertThat(waits).hasSize(1 + Baseline.SLICES);
            assertThat(waits.get(0)).isEqualTo(Duration.ofMillis(300));
            assertThat(waits.subList(1, waits.size())).containsOnly(Duration.ofMillis(30));
            assertThat(baseline.windowNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
            assertThat(baseline.opsPerS()).isPositive();
        }
    }

    @Test
    void afterAModelsSampleTheWarmGuestIsMeasuredOverTheWholeWindow() throws Exception {
        try (VirtualMachine vm = runningGuest()) {
            Baseline baseline = Baseline.measureNow(vm, Duration.ofMillis(250), HostClock.SYSTEM, this::recordAndWait);
            closeLatency(baseline);

            assertThat(waits).hasSize(Baseline.SLICES).containsOnly(Duration.ofMillis(25));
            assertThat(baseline.windowNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
            assertThat(baseline.opsPerS()).isPositive();
        }
    }

    @Test
    void aStretchInWhichTheGuestDidNotRunDoesNotLowerTheBaseline() throws Exception {
        try (VirtualMachine vm = runningGuest()) {
            Thread.sleep(200); // warm
            long ops0 = vm.totalOps();
            long t0 = System.nanoTime();
            // The guest is held off its CPU for 2 of the 10 slices, as a busy host can do to it.
            Baseline disturbed = Baseline.measureNow(vm, Duration.ofMillis(500), HostClock.SYSTEM, d -> {
                boolean held = waits.size() == 3 || waits.size() == 4;
                if (held) vm.pause();
                recordAndWait(d);
                if (held) vm.resume();
            });
            double windowAverage = (vm.totalOps() - ops0) * 1e9 / (System.nanoTime() - t0);
            closeLatency(disturbed);

            // One count over the window says 0.8 of the pace; the slices' median says the pace.
            assertThat(disturbed.opsPerS()).isGreaterThan(windowAverage * 1.1);
        }
    }

    private static VirtualMachine runningGuest() {
        VirtualMachine vm = VirtualMachine.boot("baseline", new GuestConfig(16L << 20, 1), Workloads.parse("memwrite:wss=8m"));
        vm.start();
        return vm;
    }

    private static void closeLatency(Baseline baseline) {
        if (baseline.latency() != null) baseline.latency().close();
    }
}
