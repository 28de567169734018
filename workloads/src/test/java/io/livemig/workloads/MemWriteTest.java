package io.livemig.workloads;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class MemWriteTest {
    static final GuestConfig ONE = new GuestConfig(8L << 20, 1);

    @Test
    void aFlippedByteAnywhereInAWrittenPageIsCaught() {
        try (VirtualMachine vm = VirtualMachine.boot("a", ONE, Workloads.parse("memwrite:wss=1m"))) {
            vm.stepByHand(100);
            long page = Workload.dataBase(vm.memory(), 1) + 5L * vm.memory().pageSize();
            for (long offset : new long[] {0, 8, 15, 100, vm.memory().pageSize() - 1}) {
                WorkloadBehaviourTest.flip(vm.memory(), page + offset);
                assertThat(vm.verify().ok()).as("flip at offset %d", offset).isFalse();
                WorkloadBehaviourTest.flip(vm.memory(), page + offset);
            }
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    @Test
    void aStalePageIsCaughtAsALostUpdate() {
        for (String pattern : new String[] {"random", "sequential"}) {
            try (VirtualMachine vm = VirtualMachine.boot("a", ONE, Workloads.parse("memwrite:wss=256k,pattern=" + pattern))) {
                GuestMemory m = vm.memory();
                vm.stepByHand(10);
                long target = Workload.dataBase(m, 1) + 3L * m.pageSize();
                byte[] old = new byte[m.pageSize()];
                m.copyPageOut(m.pageOf(target), old, 0);
                vm.stepByHand(20); // 64 pages: every page is rewritten at least once in sequential order
                m.loadPage(m.pageOf(target), old, 0); // as if a migration lost the newer copy
                Verification v = vm.verify();
                assertThat(v.ok()).as(pattern).isFalse();
                assertThat(v.detail()).contains("memwrite vCPU 0");
            }
        }
    }

    @Test
    void sequentialPagesFollowTheCursor() {
        try (VirtualMachine vm = VirtualMachine.boot("a", ONE, Workloads.parse("memwrite:wss=256k,pattern=sequential"))) {
            vm.stepByHand(3); // 64 pages per pass; with no rate every step makes the most touches
            long touches = 3L * MemWrite.MAX_TOUCHES_PER_STEP;
            assertThat(vm.totalOps()).isEqualTo(touches);
            long first = Workload.dataBase(vm.memory(), 1);
            assertThat(vm.memory().readLong(first)).isEqualTo(touches / 64 + (touches % 64 > 0 ? 1 : 0));
            assertThat(vm.verify().detail()).contains(touches + " page writes");
        }
    }

    @Test
    void aRateCalibratesComputeBetweenTouchesAndMaxNeedsNone() {
        try (VirtualMachine slow = VirtualMachine.boot("a", ONE, Workloads.parse("memwrite:wss=1m,rate=4m"));
             VirtualMachine fast = VirtualMachine.boot("b", ONE, Workloads.parse("memwrite:wss=1m"))) {
            MemWrite.Calibration c = MemWrite.calibration(slow.memory());
            assertThat(c.targetBytesPerSec()).isEqualTo(4L << 20);
            assertThat(c.spinsPerTouch()).isPositive();
            assertThat(c.nanosPerSpin()).isPositive();
            assertThat(MemWrite.calibration(fast.memory()).spinsPerTouch()).isZero();
            slow.stepByHand(200);
            fast.stepByHand(200);
            assertThat(slow.totalOps()).isLessThan(fast.totalOps());
            assertThat(slow.verify().ok()).isTrue();
        }
    }

    @Test
    void aFixedCalibrationIsDeterministicAndMigratesInRegisters() {
        MemWrite program = ((MemWrite) Workloads.parse("memwrite:wss=1m,rate=1m")).withSpinsPerTouch(700);
        try (VirtualMachine a = VirtualMachine.boot("a", ONE, program, CpuScheduler.DEFAULT_PERIOD, () -> 5L);
             VirtualMachine b = VirtualMachine.boot("b", ONE, program, CpuScheduler.DEFAULT_PERIOD, () -> 5L);
             VirtualMachine c = VirtualMachine.incoming("c", ONE, program)) {
            a.stepByHand(300);
            b.stepByHand(300);
            assertThat(a.memory().digest()).isEqualTo(b.memory().digest());
            c.loadVcpuStates(a.saveVcpuStates());
            WorkloadBehaviourTest.copyMemory(a.memory(), c.memory());
            a.stepByHand(77);
            c.stepByHand(77);
            assertThat(WorkloadBehaviourTest.programDigest(c.memory())).isEqualTo(WorkloadBehaviourTest.programDigest(a.memory()));
            assertThat(c.totalOps()).isEqualTo(a.totalOps());
        }
    }

    @Test
    void runsOnRealThreadsAndVerifiesWhilePaused() throws InterruptedException {
        try (VirtualMachine vm = VirtualMachine.boot("a", new GuestConfig(8L << 20, 2), Workloads.parse("memwrite:wss=2m,pattern=sequential"))) {
            vm.start();
            Thread.sleep(100);
            vm.pause();
            assertThat(vm.failure()).isNull();
            long ops = vm.totalOps();
            assertThat(ops).isPositive();
            Verification v = vm.verify();
            assertThat(v.ok()).as(v.detail()).isTrue();
            vm.resume();
            Thread.sleep(50);
            vm.pause();
            assertThat(vm.totalOps()).isGreaterThan(ops);
            assertThat(vm.verify().ok()).isTrue();
            vm.stop();
        }
    }
}
