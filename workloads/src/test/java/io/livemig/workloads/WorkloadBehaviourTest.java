package io.livemig.workloads;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.GuestProgram;
import io.livemig.emulator.GuestStatus;
import io.livemig.emulator.Verification;
import io.livemig.emulator.VirtualMachine;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/** Every workload, on 1 and 3 vCPUs: verify after a run, corruption caught, save/restore, determinism. */
@Timeout(60)
class WorkloadBehaviourTest {
    static final long MEMORY = 8L << 20;

    static List<String> specs() {
        return List.of(
                "memwrite:wss=2m,pattern=random,seed=7",
                "memwrite:wss=2m,pattern=sequential,seed=7",
                "hotcold:wss=2m,theta=0.99",
                "kvstore:records=3000,value=100",
                "kvstore:records=500,value=13",
                "stencil:n=96",
                "idle:tick=0");
    }

    static List<Object[]> cases() {
        return specs().stream().flatMap(s -> java.util.stream.Stream.of(new Object[] {s, 1}, new Object[] {s, 3})).toList();
    }

    static VirtualMachine boot(String name, GuestProgram program, int vcpus) {
        return VirtualMachine.boot(name, new GuestConfig(MEMORY, vcpus), program, CpuScheduler.DEFAULT_PERIOD, () -> 1_000_000L);
    }

    @ParameterizedTest(name = "{0} on {1} vCPUs")
    @MethodSource("cases")
    void verifyPassesAfterARunAndCatchesAFlippedByte(String spec, int vcpus) {
        try (VirtualMachine vm = boot("a", Workloads.parse(spec), vcpus)) {
            assertThat(vm.verify().ok()).as(vm.verify().detail()).isTrue();
            vm.stepByHand(700);
            Verification ok = vm.verify();
            assertThat(ok.ok()).as(ok.detail()).isTrue();
            assertThat(vm.totalOps()).isPositive();

            long address = firstNonZeroDataByte(vm.memory(), vcpus);
            flip(vm.memory(), address);
            Verification broken = vm.verify();
            assertThat(broken.ok()).as("flip at 0x%x went unnoticed", address).isFalse();
            assertThat(broken.detail()).startsWith(spec.substring(0, spec.indexOf(':')));
            flip(vm.memory(), address);
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} on {1} vCPUs")
    @MethodSource("cases")
    void saveAndRestoreContinuesExactly(String spec, int vcpus) {
        GuestProgram program = Workloads.parse(spec);
        GuestConfig config = new GuestConfig(MEMORY, vcpus);
        try (VirtualMachine a = boot("a", program, vcpus);
             VirtualMachine b = VirtualMachine.incoming("b", config, Workloads.parse(program.spec()))) {
            a.stepByHand(300);
            long opsAtSave = a.totalOps();
            b.loadVcpuStates(a.saveVcpuStates());
            copyMemory(a.memory(), b.memory());
            assertThat(b.totalOps()).isEqualTo(opsAtSave);
            assertThat(b.verify().ok()).as(b.verify().detail()).isTrue();

            a.stepByHand(250);
            b.stepByHand(250);
            assertThat(programDigest(b.memory())).isEqualTo(programDigest(a.memory()));
            assertThat(b.saveVcpuStates()).isEqualTo(a.saveVcpuStates());
            assertThat(b.totalOps()).isEqualTo(a.totalOps()).isGreaterThan(opsAtSave);
            assertThat(b.verify().ok()).as(b.verify().detail()).isTrue();
            assertThat(a.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} on {1} vCPUs")
    @MethodSource("cases")
    void sameSpecAndStepsGiveTheSameMemory(String spec, int vcpus) {
        try (VirtualMachine a = boot("a", Workloads.parse(spec), vcpus);
             VirtualMachine b = boot("b", Workloads.parse(spec), vcpus)) {
            a.stepByHand(400);
            b.stepByHand(400);
            assertThat(b.memory().digest()).isEqualTo(a.memory().digest());
            b.stepByHand(1);
            assertThat(b.memory().digest()).isNotEqualTo(a.memory().digest());
        }
    }

    /** Memory digest without the heartbeats: an incoming VM has the system clock, so only ops are compared in page 0. */
    static long programDigest(GuestMemory memory) {
        CRC32C crc = new CRC32C();
        byte[] page = new byte[memory.pageSize()];
        for (long p = 1; p < memory.pageCount(); p++) {
            memory.copyPageOut(p, page, 0);
            crc.update(page);
        }
        for (int v = 0; v < GuestConfig.MAX_VCPUS && (long) v * GuestStatus.SLOT_BYTES < memory.pageSize(); v++) {
            long ops = GuestStatus.ops(memory, v);
            crc.update(new byte[] {(byte) ops, (byte) (ops >>> 8), (byte) (ops >>> 16), (byte) (ops >>> 24)});
        }
        return crc.getValue();
    }

    static void copyMemory(GuestMemory from, GuestMemory to) {
        byte[] page = new byte[from.pageSize()];
        for (long p = 0; p < from.pageCount(); p++) {
            from.copyPageOut(p, page, 0);
            to.loadPage(p, page, 0);
        }
    }

    static long firstNonZeroDataByte(GuestMemory memory, int vcpus) {
        long start = Workload.dataBase(memory, vcpus);
        for (long a = start; a < memory.sizeBytes(); a++) {
            if (memory.readByte(a) != 0) return a;
        }
        return Workload.slotAddress(memory, 0); // idle: its slot is all its data
    }

    static void flip(GuestMemory memory, long address) {
        memory.writeByte(address, (byte) (memory.readByte(address) ^ 0x10));
    }
}
