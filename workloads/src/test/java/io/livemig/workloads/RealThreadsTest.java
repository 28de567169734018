package io.livemig.workloads;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Each workload on two real vCPU threads for a moment, under a cap: invariants hold at pause. */
@Timeout(60)
class RealThreadsTest {
    @ParameterizedTest
    @ValueSource(strings = {"hotcold:wss=2m", "kvstore:records=2000", "stencil:n=128", "idle"})
    void invariantsHoldAfterARealRun(String spec) throws InterruptedException {
        try (VirtualMachine vm = VirtualMachine.boot("a", new GuestConfig(8L << 20, 2), Workloads.parse(spec))) {
            vm.scheduler().setCapAll(50);
            vm.start();
            Thread.sleep(80);
            vm.pause();
            assertThat(vm.failure()).isNull();
            assertThat(vm.totalOps()).isPositive();
            assertThat(vm.lastHeartbeatMicros()).isPositive();
            Verification v = vm.verify();
            assertThat(v.ok()).as(v.detail()).isTrue();
            vm.stop();
        }
    }

    @Test
    void anIdleGuestSpendsItsTimeHaltedNotWantingACore() throws InterruptedException {
        try (VirtualMachine vm = VirtualMachine.boot("idle", new GuestConfig(8L << 20, 2), Workloads.parse("idle:tick=1000us"))) {
            vm.start();
            long start = System.nanoTime();
            Thread.sleep(300);
            vm.pause();
            long wall = 2 * (System.nanoTime() - start);

            // Each step computes for microseconds, then halts a millisecond: nearly all of it halted.
            assertThat(vm.haltedNanos()).isGreaterThan(wall / 2).isLessThanOrEqualTo(wall);
            assertThat(vm.cpuTimeNanos()).isLessThan(wall / 2);
            vm.stop();
        }
    }

    @Test
    void aBusyGuestNeverHalts() throws InterruptedException {
        try (VirtualMachine vm = VirtualMachine.boot("busy", new GuestConfig(8L << 20, 1), Workloads.parse("hotcold:wss=2m"))) {
            vm.start();
            Thread.sleep(100);
            vm.pause();

            assertThat(vm.haltedNanos()).isZero();
            vm.stop();
        }
    }
}
