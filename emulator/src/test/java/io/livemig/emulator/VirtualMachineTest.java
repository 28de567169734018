package io.livemig.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VirtualMachineTest {
    private static final long MEMORY_BYTES = 4L << 20;
    private static final GuestConfig TWO_VCPUS = new GuestConfig(MEMORY_BYTES, 2);

    @Test
    void theFirstBootRunsTheThrottleOnAScratchGuestAndLeavesNothingRunning() {
        try (VirtualMachine vm = VirtualMachine.boot("after-warm-up", TWO_VCPUS, new CountingProgram(64))) {
            // 0.2 s at 50 % on 0.4 ms periods: about 500 wake-ups, at least a hundred on a busy host.
            assertThat(ThrottleWarmUp.wakeUps()).isGreaterThanOrEqualTo(100);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith(ThrottleWarmUp.NAME) && t.isAlive());
            assertThat(vm.state()).isEqualTo(VmState.CREATED);
        }
    }

    @Test
    void lifecycleFollowsTheStateMachine() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("life", TWO_VCPUS, new CountingProgram(64))) {
            assertThat(vm.state()).isEqualTo(VmState.CREATED);
            vm.start();
            assertThat(vm.state()).isEqualTo(VmState.RUNNING);
            awaitOps(vm, 1_000);

            long pauseNanos = vm.pause();
            assertThat(vm.state()).isEqualTo(VmState.PAUSED);
            assertThat(pauseNanos).isPositive();
            long opsWhilePaused = vm.totalOps();
            Thread.sleep(20);
            assertThat(vm.totalOps()).as("a paused guest does no work").isEqualTo(opsWhilePaused);

            vm.resume();
            awaitOps(vm, opsWhilePaused + 1_000);
            assertThat(vm.firstOpMicrosSinceResume()).isPositive();

            vm.pause();
            vm.markMigrated();
            assertThat(vm.state()).isEqualTo(VmState.MIGRATED);
            assertThatThrownBy(vm::resume).hasMessageContaining("cannot go PAUSED -> RUNNING: it is MIGRATED");
            vm.stop();
            assertThat(vm.state()).as("a migrated guest stays migrated").isEqualTo(VmState.MIGRATED);
        }
    }

    @Test
    void invalidTransitionsAreRefused() {
        try (VirtualMachine vm = VirtualMachine.boot("bad", TWO_VCPUS, new CountingProgram(64))) {
            assertThatThrownBy(vm::pause).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(vm::markMigrated).isInstanceOf(IllegalStateException.class);
            vm.stop();
            assertThatThrownBy(vm::start).hasMessageContaining("it is STOPPED");
        }
    }

    @Test
    void savedStateAndMemoryContinueTheProgramExactlyOnAnotherVm() {
        CountingProgram program = new CountingProgram(64);
        WallClock fixed = () -> 1_700_000_000_000_000L; // heartbeats are wall time: fix it so memories can match
        try (VirtualMachine a = VirtualMachine.boot("a", TWO_VCPUS, program, CpuScheduler.DEFAULT_PERIOD, fixed);
             VirtualMachine b = VirtualMachine.incoming("b", TWO_VCPUS, program, CpuScheduler.DEFAULT_PERIOD, fixed)) {
            a.stepByHand(500);
            List<VcpuState> states = a.saveVcpuStates();
            byte[] page = new byte[a.memory().pageSize()];
            for (long p = 0; p < a.memory().pageCount(); p++) {
                a.memory().copyPageOut(p, page, 0);
                b.memory().loadPage(p, page, 0);
            }
            b.loadVcpuStates(states);
            assertThat(b.totalOps()).isEqualTo(a.totalOps());

            a.stepByHand(300);
            b.stepByHand(300);

            assertThat(b.memory().digest()).isEqualTo(a.memory().digest());
            assertThat(b.saveVcpuStates()).isEqualTo(a.saveVcpuStates());
            assertThat(b.verify().ok()).isTrue();
        }
    }

    @Test
    void vcpusStartedAheadRunNothingUntilTheGuestStartsAndStopWithIt() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("ahead", TWO_VCPUS, new CountingProgram(64))) {
            vm.prestartVcpus();
            vm.prestartVcpus(); // again: nothing more
            Thread.sleep(20);
            assertThat(vm.totalOps()).as("parked until start").isZero();
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("ahead-vcpu-")).hasSize(2);
            vm.start();
            awaitOps(vm, 2_000);
            assertThatThrownBy(vm::prestartVcpus).isInstanceOf(IllegalStateException.class);
            vm.stop();
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("ahead-vcpu-")).isEmpty();
        }
    }

    @Test
    void aGuestWhoseVcpusWereStartedAheadButNeverRanClosesCleanly() {
        VirtualMachine vm = VirtualMachine.boot("never", TWO_VCPUS, new CountingProgram(64));
        vm.prestartVcpus();
        vm.close();
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("never-vcpu-")).isEmpty();
    }

    @Test
    void pausedGuestCanBeSavedWhileThreadsAreParked() throws Exception {
        CountingProgram program = new CountingProgram(64);
        try (VirtualMachine vm = VirtualMachine.boot("threads", TWO_VCPUS, program)) {
            vm.start();
            awaitOps(vm, 2_000);
            vm.pause();
            long digest = vm.memory().digest();
            List<VcpuState> states = vm.saveVcpuStates();
            Thread.sleep(10);
            assertThat(vm.memory().digest()).isEqualTo(digest);
            assertThat(vm.saveVcpuStates()).isEqualTo(states);
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    @Test
    void aCapSlowsTheGuestRoughly() throws Exception {
        // Loose on purpose: the precise figure comes from the scheduler report, not a unit test.
        try (VirtualMachine vm = VirtualMachine.boot("cap", new GuestConfig(MEMORY_BYTES, 1), new CountingProgram(64))) {
            vm.scheduler().setCapAll(20);
            vm.start();
            long cpuBefore = vm.cpuTimeNanos();
            long wallBefore = System.nanoTime();
            Thread.sleep(300);
            double share = (vm.cpuTimeNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
            assertThat(share).isBetween(0.05, 0.45);
            assertThat(vm.scheduler().isThrottled()).isTrue();
            vm.scheduler().unthrottle();
            assertThat(vm.scheduler().isThrottled()).isFalse();
        }
    }

    private static void awaitOps(VirtualMachine vm, long ops) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (vm.totalOps() < ops) {
            if (System.nanoTime() > deadline) throw new AssertionError("guest stalled at " + vm.totalOps() + " ops");
            Thread.sleep(1);
        }
    }
}
