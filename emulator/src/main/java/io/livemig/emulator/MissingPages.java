package io.livemig.emulator;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pages of a guest memory that are not there yet (post-copy): one state byte per page,
 * {@code PRESENT}, {@code MISSING}, {@code REQUESTED} (a vCPU faulted and the handler was asked) or
 * {@code LOADING} (a loader owns the page and is copying it in).
 *
 * <p>Rules, each enforced by a compare-and-set on the page's state:
 * A page present from the start has only its absent bit clear (its state byte is never read), so
 * the switch-over pause allocates the states and makes no pass over the pages.
 *
 * <ul>
 *   <li>A page is requested at most once: the first faulting thread moves it MISSING -> REQUESTED
 *       and calls the {@link PageFaultHandler}; every other thread touching it only waits.</li>
 *   <li>A page is loaded at most once: a loader claims it (MISSING or REQUESTED -> LOADING), copies
 *       the data in, then publishes PRESENT with a volatile store. A load of a page that is already
 *       present or being loaded is dropped, so a late copy (a push that crossed an answer, a
 *       duplicate after a reconnect) never overwrites what a vCPU wrote after the page arrived.</li>
 *   <li>PRESENT is final. A reader that sees it (acquire) also sees the loaded data. The access
 *       path reads a bitmap of absent pages instead of the state bytes (cleared, with a full
 *       fence, just before the state becomes PRESENT).</li>
 * </ul>
 * Waiters sleep on one condition; a loader signals it only when someone waits (a volatile count
 * written before the waiter reads the page state, read by the loader after it publishes PRESENT: one
 * of the two always sees the other), so the bulk of loads, with no waiter, take no lock. When the
 * last page arrives the owning {@link GuestMemory} returns to its plain access path.
 *
 * <p>Loads do not mark the dirty log: a page arriving from the source is not a guest write. With
 * {@link PageDigests}, a load records the page's CRC after the copy and before the page becomes
 * present, so the CRC is of the page as it arrived, before any vCPU could write it.
 */
public final class MissingPages {
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle ABSENT_WORD = MethodHandles.arrayElementVarHandle(long[].class);
    /** Zero, a fresh array's value: the states need no pass over the pages to begin. */
    private static final byte MISSING = 0;
    private static final byte REQUESTED = 1;
    private static final byte LOADING = 2;
    private static final byte PRESENT = 3;

    private final GuestMemory memory;
    private final PageFaultHandler handler;
    private final PageDigests digests;
    private final byte[] states;
    /**
     * One bit per page, set while the page is absent, cleared once it is present: what the access
     * path reads. At 32 KiB per GiB it stays in the core's caches, where the state bytes (256 KiB per
     * GiB) would cost a cache miss on a random access; the states serve only faults and loaders.
     * It is the missing-page bitmap itself, taken over as it came, so the switch-over pause makes no
     * pass over it.
     */
    private final long[] absent;
    private final long pageCount;
    private final AtomicLong remaining = new AtomicLong();
    private final CountDownLatch allPresent = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pageArrived = lock.newCondition();
    private volatile int waiters;
    private volatile String abandonedReason;

    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    /** Pages requested and not claimed by a loader yet: whether a new request connection must re-ask any. */
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong droppedLoads = new AtomicLong();
    private final AtomicLongArray blockedNanos;
    private final Recorder latencyRecorder = new Recorder(3);
    private final Histogram latencyTotal = new Histogram(3);

    /**
     * @param missingWords  bit i of word w set: page 64 w + i is missing (no bit past the last
     *                      page); taken over, not copied
     * @param missingCount  how many bits are set (the caller knows or checks it: counting them
     *                      here would be a pass over the bitmap in the switch-over pause)
     */
    MissingPages(GuestMemory memory, long[] missingWords, long missingCount, int vcpus, PageFaultHandler handler,
                 PageDigests digests) {
        if (missingWords.length != (int) ((memory.pageCount() + 63) >>> 6)) {
            throw new IllegalArgumentException("missing-page bitmap of " + missingWords.length + " words, memory has "
                    + memory.pageCount() + " pages");
        }
        if (vcpus < 1) throw new IllegalArgumentException("vcpus must be at least 1, got " + vcpus);
        this.memory = memory;
        this.handler = handler;
        this.digests = digests;
        this.pageCount = memory.pageCount();
        this.states = new byte[Math.toIntExact(pageCount)];
        this.absent = missingWords;
        this.blockedNanos = new AtomicLongArray(vcpus + 1); // the last slot: threads that are not vCPUs
        // The states of pages present from the start stay MISSING and are never read: the absent bit decides first.
        remaining.set(missingCount);
        if (missingCount == 0) allPresent.countDown();
    }

    // ---- the access path (vCPUs) ----

    /** Returns when every page in {@code [firstPage, lastPage]} is present; faults on those that are not. */
    void awaitPresent(long firstPage, long lastPage) {
        for (long page = firstPage; page <= lastPage; page++) {
            if (((long) ABSENT_WORD.getAcquire(absent, (int) (page >>> 6)) & (1L << page)) != 0) fault(page);
        }
    }

    private void fault(long page) {
        long startNanos = System.nanoTime();
        String abandoned = abandonedReason;
        if (abandoned != null) throw new MissingPageException(page, abandoned);
        byte state = (byte) STATE.getVolatile(states, (int) page);
        if (state == PRESENT) return; // arrived since the caller looked: no fault
        if (state == MISSING && STATE.compareAndSet(states, (int) page, MISSING, REQUESTED)) {
            requests.incrementAndGet();
            outstanding.incrementAndGet();
            try {
                handler.requestPage(page);
            } catch (RuntimeException | Error e) {
                if (STATE.compareAndSet(states, (int) page, REQUESTED, MISSING)) outstanding.decrementAndGet(); // the next fault asks again
                throw e;
            }
        }
        faults.incrementAndGet();
        waitUntilPresent(page);
        long blocked = System.nanoTime() - startNanos;
        int vcpu = VcpuThread.currentVcpu();
        int slot = vcpu >= 0 && vcpu < blockedNanos.length() - 1 ? vcpu : blockedNanos.length() - 1;
        blockedNanos.addAndGet(slot, blocked);
        latencyRecorder.recordValue(blocked);
    }

    private void waitUntilPresent(long page) {
        lock.lock();
        try {
            waiters = waiters + 1; // only changed under the lock; volatile for the loaders' unlocked read
            while ((byte) STATE.getVolatile(states, (int) page) != PRESENT) {
                String abandoned = abandonedReason;
                if (abandoned != null) throw new MissingPageException(page, abandoned);
                pageArrived.awaitUninterruptibly();
            }
        } finally {
            waiters = waiters - 1;
            lock.unlock();
        }
    }

    // ---- loaders (the migrator) ----

    /**
     * Loads a page from native memory at {@code srcAddress} if it is still missing.
     *
     * @return true if loaded; false if the page was present or being loaded (the copy is dropped)
     */
    public boolean load(long page, long srcAddress) {
        if (!claim(page)) return false;
        try {
            memory.loadPage(page, srcAddress);
            if (digests != null) digests.recordFromAnyThread(page);
        } catch (RuntimeException e) {
            STATE.setVolatile(states, (int) page, MISSING);
            throw e;
        }
        publish(page);
        return true;
    }

    /** Loads a page from a heap array if it is still missing; see {@link #load(long, long)}. */
    public boolean load(long page, byte[] src, int offset) {
        if (!claim(page)) return false;
        try {
            memory.loadPage(page, src, offset);
            if (digests != null) digests.recordFromAnyThread(page);
        } catch (RuntimeException e) {
            STATE.setVolatile(states, (int) page, MISSING);
            throw e;
        }
        publish(page);
        return true;
    }

    /**
     * Makes a missing page present as all zeroes; see {@link #load(long, long)}. A page that reads
     * as zero already (a destination's memory never touched there) is not written: writing would
     * make the kernel back it with memory, for a guest that may never touch it.
     */
    public boolean loadZero(long page) {
        if (!claim(page)) return false;
        try {
            if (!memory.isZeroPage(page)) memory.zeroPage(page);
            if (digests != null) digests.recordZero(page);
        } catch (RuntimeException e) {
            STATE.setVolatile(states, (int) page, MISSING);
            throw e;
        }
        publish(page);
        return true;
    }

    private boolean claim(long page) {
        if (page < 0 || page >= pageCount) throw new GuestMemoryAccessException(page << memory.pageShift(), memory.pageSize(), memory.sizeBytes());
        if (isPresent(page)) { // present from the start, or loaded: its state byte may say nothing
            droppedLoads.incrementAndGet();
            return false;
        }
        while (true) {
            byte state = (byte) STATE.getVolatile(states, (int) page);
            if (state == PRESENT || state == LOADING) {
                droppedLoads.incrementAndGet();
                return false;
            }
            if (STATE.compareAndSet(states, (int) page, state, LOADING)) {
                if (state == REQUESTED) outstanding.decrementAndGet();
                return true;
            }
        }
    }

    private void publish(long page) {
        ABSENT_WORD.getAndBitwiseAnd(absent, (int) (page >>> 6), ~(1L << page)); // a full fence: the copy is visible first
        STATE.setVolatile(states, (int) page, PRESENT);
        loads.incrementAndGet();
        if (waiters > 0) wakeWaiters();
        if (remaining.decrementAndGet() == 0) {
            memory.allPagesPresent();
            allPresent.countDown();
        }
    }

    private void wakeWaiters() {
        lock.lock();
        try {
            pageArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The pages will never come (the guest is stopping, or the migration failed): every thread
     * waiting for one, and every later fault, ends with a {@link MissingPageException}.
     */
    public void abandon(String reason) {
        if (abandonedReason == null) abandonedReason = reason;
        wakeWaiters();
    }

    // ---- queries ----

    public boolean isPresent(long page) {
        return ((long) ABSENT_WORD.getAcquire(absent, (int) (page >>> 6)) & (1L << page)) == 0;
    }

    /** True if some page is requested and not loaded yet (cheap: no pass over the pages). */
    public boolean anyRequested() { return outstanding.get() > 0; }

    /** True while a vCPU has asked for the page and it has not been loaded. */
    public boolean isRequested(long page) {
        return (byte) STATE.getAcquire(states, (int) page) == REQUESTED;
    }

    /** Pages of the whole memory, present or not. */
    public long pageCount() { return pageCount; }

    /** Pages not present yet. */
    public long remainingPages() { return remaining.get(); }

    public boolean isComplete() { return remaining.get() == 0; }

    /** Adds every page that is not present to {@code into} (after a broken link: what is still lacking). */
    public void addAbsentTo(DirtyBitmap into) {
        for (int w = 0; w < absent.length; w++) into.orWord(w, (long) ABSENT_WORD.getAcquire(absent, w));
    }

    /** Waits until every page is present; false on timeout. */
    public boolean awaitAllPresent(Duration timeout) throws InterruptedException {
        return allPresent.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Pages loaded so far (each at most once). */
    public long loadedPages() { return loads.get(); }

    /** Loads dropped because the page was already present or being loaded. */
    public long droppedLoads() { return droppedLoads.get(); }

    /** Threads blocked on a missing page right now. */
    public int waitingThreads() { return waiters; }

    public synchronized FaultFigures figures() {
        latencyTotal.add(latencyRecorder.getIntervalHistogram());
        long[] perVcpu = new long[blockedNanos.length() - 1];
        for (int i = 0; i < perVcpu.length; i++) perVcpu[i] = blockedNanos.get(i);
        return new FaultFigures(faults.get(), requests.get(), perVcpu, blockedNanos.get(perVcpu.length), latencyTotal.copy());
    }
}
