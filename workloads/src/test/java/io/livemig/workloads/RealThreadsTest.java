package io.livemig.workloads;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
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
}
