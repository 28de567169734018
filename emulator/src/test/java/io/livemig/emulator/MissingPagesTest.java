package io.livemig.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Missing pages: the emulator's post-copy fault path, from the guest's side and the loader's. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MissingPagesTest {
    private static final long MIB = 1 << 20;
    private static final int PAGE = 4096;

    @Test
    void severalVcpusFaultingOnePageAskForItOnceAndAllSeeItsData() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            ConcurrentLinkedQueue<Long> requests = new ConcurrentLinkedQueue<>();
            MissingPages missing = memory.beginMissing(pages(memory, 5), 4, requests::add);
            long[] seen = new long[4];
            List<Thread> vcpus = new ArrayList<>();
            for (int v = 0; v < 4; v++) {
                int index = v;
                vcpus.add(new VcpuThread(() -> seen[index] = memory.readLong(5 * PAGE + 8), "vcpu-" + v, v));
            }
            vcpus.forEach(Thread::start);
            awaitTrue(() -> missing.waitingThreads() == 4, "all four vCPUs block on page 5");
            assertThat(missing.anyRequested()).isTrue();

            missing.load(5, pageOf(0xABCDL), 0);
            for (Thread t : vcpus) t.join(5_000);

            assertThat(requests).as("one request however many vCPUs fault").containsExactly(5L);
            assertThat(missing.anyRequested()).as("the requested page arrived").isFalse();
            assertThat(seen).containsOnly(0xABCDL);
            FaultFigures figures = missing.figures();
            assertThat(figures.faults()).isEqualTo(4);
            assertThat(figures.pagesRequested()).isEqualTo(1);
            assertThat(figures.faultLatencyNanos().getTotalCount()).isEqualTo(4);
            assertThat(missing.isComplete()).isTrue();
        }
    }

    @Test
    void aPageArrivingWhileRequestedIsLoadedOnceAndTheLaterCopyDropped() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            ConcurrentLinkedQueue<Long> requests = new ConcurrentLinkedQueue<>();
            MissingPages missing = memory.beginMissing(pages(memory, 7, 8), 1, requests::add);
            AtomicReference<Long> seen = new AtomicReference<>();
            Thread vcpu = new VcpuThread(() -> seen.set(memory.readLong(7 * PAGE)), "vcpu-0", 0);
            vcpu.start();
            awaitTrue(() -> missing.isRequested(7), "page 7 requested");

            assertThat(missing.load(7, pageOf(1), 0)).as("the push arrives first and is loaded").isTrue();
            assertThat(missing.load(7, pageOf(2), 0)).as("the answer to the request arrives second: dropped").isFalse();
            vcpu.join(5_000);

            assertThat(seen.get()).isEqualTo(1L);
            assertThat(missing.droppedLoads()).isEqualTo(1);
            assertThat(missing.isComplete()).as("page 8 is still missing").isFalse();
            assertThat(missing.remainingPages()).isEqualTo(1);
        }
    }

    @Test
    void aLateCopyNeverOverwritesWhatTheGuestWroteAfterThePageArrived() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            MissingPages missing = memory.beginMissing(pages(memory, 3, 4), 1, page -> { });
            missing.load(3, pageOf(1), 0);
            memory.writeLong(3 * PAGE, 99);

            assertThat(missing.load(3, pageOf(1), 0)).isFalse();
            assertThat(missing.loadZero(3)).isFalse();
            assertThat(memory.readLong(3 * PAGE)).isEqualTo(99);
        }
    }

    @Test
    void loadsAreNotGuestWritesAndDoNotMarkTheDirtyLog() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            memory.dirtyLog().enable();
            MissingPages missing = memory.beginMissing(pages(memory, 1, 2), 1, page -> { });
            missing.load(1, pageOf(5), 0);
            missing.loadZero(2);
            assertThat(memory.dirtyLog().countDirty()).isZero();
            assertThat(memory.readLong(PAGE)).isEqualTo(5);
        }
    }

    @Test
    void digestsRecordEachPageAsItArrivedNotAsTheGuestLaterWroteIt() {
        try (GuestMemory source = GuestMemory.allocate(MIB); GuestMemory target = GuestMemory.allocate(MIB)) {
            for (long a = 0; a < MIB; a += 8) source.writeLong(a, a * 0x9E3779B97F4A7C15L);
            source.zeroPage(3);
            DirtyBitmap all = new DirtyBitmap(target.pageCount());
            all.setAll();
            PageDigests digests = new PageDigests(target);
            MissingPages missing = target.beginMissing(all, 1, page -> { }, digests);
            byte[] page = new byte[PAGE];
            for (long p = 0; p < target.pageCount(); p++) {
                if (p == 3) {
                    missing.loadZero(p);
                } else {
                    source.copyPageOut(p, page, 0);
                    missing.load(p, page, 0);
                }
                target.writeLong(p * PAGE, -1); // the guest writes each page right after it lands
            }
            assertThat(digests.digest()).isEqualTo(source.digest());
            assertThat(target.digest()).isNotEqualTo(source.digest());
        }
    }

    @Test
    void blocktimeIsChargedToTheVcpuThatWaitedAndLatencyToEachFault() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            MissingPages missing = memory.beginMissing(pages(memory, 9), 2, page -> { });
            Thread vcpu1 = new VcpuThread(() -> memory.writeLong(9 * PAGE, 1), "vcpu-1", 1);
            vcpu1.start();
            awaitTrue(() -> missing.waitingThreads() == 1, "vCPU 1 blocks");
            long heldNanos = TimeUnit.MILLISECONDS.toNanos(50);
            Thread.sleep(50);
            missing.loadZero(9);
            vcpu1.join(5_000);

            FaultFigures figures = missing.figures();
            assertThat(figures.blocktimeNanosPerVcpu()[0]).as("vCPU 0 never touched a missing page").isZero();
            assertThat(figures.blocktimeNanosPerVcpu()[1]).isGreaterThanOrEqualTo(heldNanos);
            assertThat(figures.blocktimeNanos()).isEqualTo(figures.blocktimeNanosPerVcpu()[1]);
            assertThat(figures.blocktimeNanosOther()).isZero();
            assertThat(figures.faultLatencyNanos().getMaxValue()).isGreaterThanOrEqualTo(heldNanos * 999 / 1000);
            assertThat(memory.readLong(9 * PAGE)).as("the write went to the loaded page").isEqualTo(1);
        }
    }

    @Test
    void anAccessSpanningPagesWaitsForEachMissingOne() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            ConcurrentLinkedQueue<Long> requests = new ConcurrentLinkedQueue<>();
            MissingPages missing = memory.beginMissing(pages(memory, 10, 11), 1, requests::add);
            Thread writer = new VcpuThread(() -> memory.write(11 * PAGE - 4, new byte[8], 0, 8), "vcpu-0", 0);
            writer.start();
            awaitTrue(() -> requests.contains(10L), "page 10 requested");
            missing.loadZero(10);
            awaitTrue(() -> requests.contains(11L), "then page 11");
            missing.loadZero(11);
            writer.join(5_000);
            assertThat(requests).containsExactly(10L, 11L);
            assertThat(missing.figures().faults()).isEqualTo(2);
        }
    }

    @Test
    void withNoPageMissingTheHandlerIsNeverCalled() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            memory.writeLong(PAGE, 1);
            assertThat(memory.missingPages()).isNull();

            MissingPages none = memory.beginMissing(new DirtyBitmap(memory.pageCount()), 1,
                    page -> { throw new AssertionError("no page is missing, yet page " + page + " was requested"); });
            assertThat(none.isComplete()).isTrue();
            memory.writeLong(PAGE, 2);
            assertThat(memory.readLong(PAGE)).isEqualTo(2);
        }
    }

    @Test
    void aPagePresentFromTheStartIsNeverLoadedOverAndOnlyMissingPagesAreAbsent() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            memory.writeLong(PAGE, 7);
            MissingPages missing = memory.beginMissing(pages(memory, 2, 5), 1, page -> { });
            assertThat(missing.load(1, pageOf(9), 0)).as("page 1 was never missing").isFalse();
            assertThat(memory.readLong(PAGE)).isEqualTo(7);
            assertThat(missing.droppedLoads()).isEqualTo(1);
            assertThat(missing.remainingPages()).isEqualTo(2);

            assertThat(missing.load(5, pageOf(3), 0)).isTrue();
            DirtyBitmap absent = new DirtyBitmap(memory.pageCount());
            missing.addAbsentTo(absent);
            assertThat(absent.cardinality()).isEqualTo(1);
            assertThat(absent.get(2)).isTrue();
        }
    }

    @Test
    void afterTheLastPageArrivesAccessesNoLongerFault() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            MissingPages missing = memory.beginMissing(pages(memory, 2),
                    1, page -> { throw new AssertionError("page " + page + " requested after all arrived"); });
            missing.load(2, pageOf(3), 0);
            assertThat(missing.isComplete()).isTrue();
            assertThat(memory.readLong(2 * PAGE)).isEqualTo(3);
            assertThat(missing.figures().faults()).isZero();

            MissingPages again = memory.beginMissing(pages(memory, 6), 1, page -> { });
            assertThat(again.isPresent(6)).as("a later post-copy may begin once the first is complete").isFalse();
        }
    }

    @Test
    void aHandlerThatFailsLetsTheNextFaultAskAgain() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            ConcurrentLinkedQueue<Long> requests = new ConcurrentLinkedQueue<>();
            boolean[] fail = {true};
            MissingPages missing = memory.beginMissing(pages(memory, 4), 1, page -> {
                requests.add(page);
                if (fail[0]) throw new IllegalStateException("link down");
            });
            assertThatThrownBy(() -> memory.readLong(4 * PAGE)).hasMessage("link down");
            fail[0] = false;
            Thread vcpu = new VcpuThread(() -> memory.readLong(4 * PAGE), "vcpu-0", 0);
            vcpu.start();
            awaitTrue(() -> requests.size() == 2, "asked again");
            missing.loadZero(4);
            vcpu.join(5_000);
            assertThat(vcpu.isAlive()).isFalse();
        }
    }

    @Test
    void abandonedPagesReleaseEveryWaiterWithAClearReason() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            MissingPages missing = memory.beginMissing(pages(memory, 12), 1, page -> { });
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread vcpu = new VcpuThread(() -> {
                try {
                    memory.readLong(12 * PAGE);
                } catch (MissingPageException e) {
                    thrown.set(e);
                }
            }, "vcpu-0", 0);
            vcpu.start();
            awaitTrue(() -> missing.waitingThreads() == 1, "blocked");
            missing.abandon("the source died");
            vcpu.join(5_000);
            assertThat(thrown.get()).hasMessage("guest page 12 will never arrive: the source died");
            assertThatThrownBy(() -> memory.readLong(12 * PAGE)).isInstanceOf(MissingPageException.class);
        }
    }

    @Test
    void stoppingAGuestBlockedOnAMissingPageEndsItsVcpusQuietly() {
        GuestConfig config = new GuestConfig(4 * MIB, 2);
        try (VirtualMachine vm = VirtualMachine.incoming("blocked", config, new CountingProgram(64))) {
            DirtyBitmap all = new DirtyBitmap(vm.memory().pageCount());
            all.setAll();
            ConcurrentLinkedQueue<Long> requests = new ConcurrentLinkedQueue<>();
            MissingPages missing = vm.memory().beginMissing(all, 2, requests::add);
            vm.start();
            awaitTrue(() -> missing.waitingThreads() == 2, "both vCPUs block on their first page");

            vm.stop();

            assertThat(vm.state()).isEqualTo(VmState.STOPPED);
            assertThat(vm.failure()).as("a stop is not a guest failure").isNull();
            assertThat(missing.waitingThreads()).isZero();
        }
    }

    @Test
    void aGuestRunsOnAsItsPagesArriveAndEndsConsistent() throws Exception {
        GuestConfig config = new GuestConfig(4 * MIB, 2);
        try (VirtualMachine vm = VirtualMachine.incoming("arriving", config, new CountingProgram(64))) {
            DirtyBitmap all = new DirtyBitmap(vm.memory().pageCount());
            all.setAll();
            ConcurrentLinkedQueue<Long> requests = new ConcurrentLinkedQueue<>();
            MissingPages missing = vm.memory().beginMissing(all, 2, requests::add);
            vm.start();
            // A loader that answers requests first and pushes the rest in order, as a migrator would.
            for (long push = 0; !missing.isComplete(); push = Math.min(push + 1, vm.memory().pageCount() - 1)) {
                Long asked;
                while ((asked = requests.poll()) != null) missing.loadZero(asked);
                missing.loadZero(push);
            }
            awaitTrue(() -> vm.totalOps() > 1_000, "the guest runs on");
            assertThat(vm.verify().ok()).isTrue();
            assertThat(vm.failure()).isNull();
            assertThat(missing.loadedPages()).isEqualTo(vm.memory().pageCount());
        }
    }

    private static DirtyBitmap pages(GuestMemory memory, long... pages) {
        DirtyBitmap bitmap = new DirtyBitmap(memory.pageCount());
        for (long p : pages) bitmap.set(p);
        return bitmap;
    }

    private static byte[] pageOf(long firstWords) {
        byte[] page = new byte[PAGE];
        for (int i = 0; i < 16; i++) page[i] = (byte) (firstWords >>> (8 * (i % 8)));
        return page;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
