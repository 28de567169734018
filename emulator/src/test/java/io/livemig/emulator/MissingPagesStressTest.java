package io.livemig.emulator;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * vCPUs touching pages in random order while an answering thread and a pushing thread race to load
 * them: every page is asked for at most once, loaded exactly once, and every vCPU reads the loaded
 * data, never the zeroes of a page not there yet.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MissingPagesStressTest {
    private static final int PAGE = 4096;
    private static final int VCPUS = 3;

    @RepeatedTest(3)
    void answersAndPushRacingVcpusLoseNothingAndRepeatNothing() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(1 << 20)) {
            int pages = (int) memory.pageCount();
            DirtyBitmap all = new DirtyBitmap(pages);
            all.setAll();
            LinkedBlockingQueue<Long> asked = new LinkedBlockingQueue<>();
            Set<Long> askedOnce = ConcurrentHashMap.newKeySet();
            AtomicReference<String> problem = new AtomicReference<>();
            MissingPages missing = memory.beginMissing(all, VCPUS, page -> {
                if (!askedOnce.add(page)) problem.compareAndSet(null, "page " + page + " asked twice");
                asked.add(page);
            });
            long[] data = new long[pages];
            for (int p = 0; p < pages; p++) data[p] = 0x5A5A_0000_0000L + p;

            Thread answerer = new Thread(() -> {
                try {
                    while (!missing.isComplete()) {
                        Long page = asked.poll(1, TimeUnit.MILLISECONDS);
                        if (page != null) missing.load(page, pageHolding(data[page.intValue()]), 0);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "answerer");
            Thread pusher = new Thread(() -> {
                for (int p = pages - 1; p >= 0; p--) missing.load(p, pageHolding(data[p]), 0);
            }, "pusher");
            List<Thread> vcpus = new ArrayList<>();
            for (int v = 0; v < VCPUS; v++) {
                SplittableRandom rng = new SplittableRandom(v * 7919L + System.nanoTime());
                vcpus.add(new VcpuThread(() -> {
                    for (int i = 0; i < 400; i++) {
                        int p = rng.nextInt(pages);
                        long seen = memory.readLong((long) p * PAGE);
                        if (seen != data[p]) problem.compareAndSet(null, "page " + p + " read " + Long.toHexString(seen));
                    }
                }, "vcpu-" + v, v));
            }
            answerer.start();
            vcpus.forEach(Thread::start);
            pusher.start();
            for (Thread t : vcpus) t.join(20_000);
            pusher.join(20_000);
            answerer.join(20_000);

            assertThat(problem.get()).isNull();
            assertThat(missing.isComplete()).isTrue();
            assertThat(missing.loadedPages()).isEqualTo(pages);
            FaultFigures figures = missing.figures();
            assertThat(figures.pagesRequested()).isEqualTo(askedOnce.size());
            assertThat(figures.faults()).isGreaterThanOrEqualTo(figures.pagesRequested());
            assertThat(figures.faultLatencyNanos().getTotalCount()).isEqualTo(figures.faults());
        }
    }

    private static byte[] pageHolding(long word) {
        byte[] page = new byte[PAGE];
        for (int i = 0; i < 8; i++) page[i] = (byte) (word >>> (8 * i));
        return page;
    }
}
