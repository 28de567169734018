package io.livemig.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScratchWriterTest {

    @Test
    void aDestinationMakesOneFromItsSpecAndFromNothingElse() {
        assertThat(ScratchWriter.forSpec(ScratchWriter.SPEC).spec()).isEqualTo(ScratchWriter.SPEC);
        assertThatThrownBy(() -> ScratchWriter.forSpec("memwrite:wss=8m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a scratch writer");
    }

    @Test
    void itDirtiesPagesAllOverItsMemoryAndCountsItsWritesAsOps() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("scratch", new GuestConfig(4L << 20, 1), new ScratchWriter())) {
            vm.memory().dirtyLog().enable();
            vm.start();
            while (vm.totalOps() < 100_000) Thread.sleep(5);
            vm.pause();

            long dirty = vm.memory().dirtyLog().countDirty();
            assertThat(dirty).as("random pages, most of 1 024 after 100 000 writes").isGreaterThan(vm.memory().pageCount() / 2);
            assertThat(vm.verify().ok()).isTrue();
        }
    }
}
