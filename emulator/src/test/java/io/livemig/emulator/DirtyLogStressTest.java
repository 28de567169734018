package io.livemig.emulator;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordering rule under real concurrency: vCPU threads write while this thread copies dirty
 * pages into a second memory, round after round, like a migrator. After a pause and a final sync
 * the copy must equal the original, every time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirtyLogStressTest {
    private static final long MEMORY_BYTES = 4L << 20;
    private static final long PAGES_PER_VCPU = 256;

    @RepeatedTest(25)
    void copyOfDirtyPagesEqualsTheOriginalAfterTheFinalSync() {
        try (VirtualMachine vm = VirtualMachine.boot("stress", new GuestConfig(MEMORY_BYTES, 2), new CountingProgram(PAGES_PER_VCPU));
             GuestMemory copy = GuestMemory.allocate(MEMORY_BYTES)) {
            GuestMemory memory = vm.memory();
            DirtyBitmap dirty = new DirtyBitmap(memory.pageCount());
            byte[] buffer = new byte[memory.pageSize()];
            memory.dirtyLog().enable();
            vm.start();

            dirty.setAll();
            copyPages(memory, copy, dirty, buffer);
            long rounds = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // 60 ms of rounds, and on a busy host as long as it takes the vCPUs to get a core at all
            while (System.nanoTime() < deadline || (vm.totalOps() == 0 && System.nanoTime() < giveUp)) {
                memory.dirtyLog().syncAndClear(dirty);
                copyPages(memory, copy, dirty, buffer);
                rounds++;
            }
            vm.pause();
            memory.dirtyLog().syncAndClear(dirty);
            copyPages(memory, copy, dirty, buffer);

            assertThat(rounds).isPositive();
            assertThat(vm.totalOps()).isPositive();
            assertThat(copy.digest()).isEqualTo(memory.digest());
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    @Test
    void withoutTheFinalSyncTheCopyFallsBehind() {
        // The check above can fail: skipping the last sync leaves the copy stale.
        try (VirtualMachine vm = VirtualMachine.boot("stale", new GuestConfig(MEMORY_BYTES, 1), new CountingProgram(PAGES_PER_VCPU));
             GuestMemory copy = GuestMemory.allocate(MEMORY_BYTES)) {
            GuestMemory memory = vm.memory();
            DirtyBitmap dirty = new DirtyBitmap(memory.pageCount());
            memory.dirtyLog().enable();
            dirty.setAll();
            copyPages(memory, copy, dirty, new byte[memory.pageSize()]);
            vm.stepByHand(100);
            assertThat(copy.digest()).isNotEqualTo(memory.digest());
        }
    }

    private static void copyPages(GuestMemory from, GuestMemory to, DirtyBitmap pages, byte[] buffer) {
        for (long page = pages.nextSetPage(0); page >= 0; page = pages.nextSetPage(page + 1)) {
            from.copyPageOut(page, buffer, 0);
            to.loadPage(page, buffer, 0);
        }
    }
}
