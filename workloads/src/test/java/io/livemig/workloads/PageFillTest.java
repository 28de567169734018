package io.livemig.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VirtualMachine;
import java.util.zip.Deflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PageFillTest {
    static final GuestConfig ONE = new GuestConfig(8L << 20, 1);

    @ParameterizedTest
    @ValueSource(strings = {"memwrite:wss=1m,fill=text", "memwrite:wss=1m,pattern=sequential,fill=random",
            "memwrite:wss=1m,fill=mixed", "hotcold:wss=1m,fill=text"})
    void filledPagesVerifyAndAFlippedFillerByteIsCaught(String spec) {
        try (VirtualMachine vm = VirtualMachine.boot("a", ONE, Workloads.parse(spec))) {
            vm.stepByHand(50);
            assertThat(vm.verify().ok()).as(vm.verify().detail()).isTrue();
            GuestMemory m = vm.memory();
            long page = Workload.dataBase(m, 1) + 7L * m.pageSize();
            WorkloadBehaviourTest.flip(m, page + 1000);
            assertThat(vm.verify().ok()).isFalse();
            WorkloadBehaviourTest.flip(m, page + 1000);
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    @Test
    void theSpecCarriesTheFillOnlyWhenItIsNotZero() {
        assertThat(Workloads.parse("memwrite:wss=1m").spec()).doesNotContain("fill");
        String text = Workloads.parse("memwrite:wss=1m,fill=text").spec();
        assertThat(text).endsWith(",fill=text");
        assertThat(Workloads.parse(text).spec()).isEqualTo(text);
    }

    @Test
    void textCompressesAndRandomDoesNot() {
        assertThat(deflatedFraction("text")).isLessThan(0.5);
        assertThat(deflatedFraction("random")).isGreaterThan(0.95);
        assertThat(deflatedFraction("mixed")).isBetween(0.3, 0.8);
    }

    private static double deflatedFraction(String fill) {
        try (VirtualMachine vm = VirtualMachine.boot("a", ONE, Workloads.parse("memwrite:wss=1m,fill=" + fill))) {
            GuestMemory m = vm.memory();
            byte[] data = new byte[1 << 20];
            m.read(Workload.dataBase(m, 1), data, 0, data.length);
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            deflater.setInput(data);
            deflater.finish();
            byte[] out = new byte[data.length + 1024];
            int length = deflater.deflate(out);
            deflater.end();
            return (double) length / data.length;
        }
    }
}
