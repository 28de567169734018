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

            assertThat(waits).containsExactly(Duration.ofMillis(300), Duration.ofMillis(300));
            assertThat(baseline.windowNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
            assertThat(baseline.opsPerS()).isPositive();
        }
    }

    @Test
    void afterAModelsSampleTheWarmGuestIsMeasuredOverTheWholeWindow() throws Exception {
        try (VirtualMachine vm = runningGuest()) {
            Baseline baseline = Baseline.measureNow(vm, Duration.ofMillis(250), HostClock.SYSTEM, this::recordAndWait);
            closeLatency(baseline);

            assertThat(waits).containsExactly(Duration.ofMillis(250));
            assertThat(baseline.windowNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
            assertThat(baseline.opsPerS()).isPositive();
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
