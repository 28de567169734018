package io.livemig.emulator;

import net.openhft.chronicle.core.UnsafeMemory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Guest-physical RAM: {@code sizeBytes} of off-heap memory ({@link OffHeapRegion}: an anonymous
 * mapping through Chronicle's POSIX layer, accessed with Chronicle's {@code UnsafeMemory}) cut into
 * pages. The Java heap holds only the dirty log, one byte per page, so a multi-GiB guest
 * costs the heap almost nothing.
 *
 * <p>Every write through this class marks its page in the {@link DirtyLog} after the data store,
 * which is the ordering the migrator relies on. Reads and writes are bounds-checked; the raw
 * address is used only after the check.
 *
 * <p>Post-copy: after {@link #beginMissing} some pages are not there yet ({@link MissingPages}); a
 * guest access to one blocks until it is loaded. The access path pays for this with nothing more
 * than it paid before: one volatile read of {@code access}, the same read that already refused a
 * closed memory. Only while pages are missing does it look at a page's presence.
 */
public final class GuestMemory implements AutoCloseable {
    public static final int DEFAULT_PAGE_SIZE = 4096;
    public static final int LARGE_PAGE_SIZE = 2 * 1024 * 1024;
    public static final long MIN_SIZE_BYTES = 1L << 20;
    static final int CHUNK_SHIFT = 30;
    static final long CHUNK_BYTES = 1L << CHUNK_SHIFT;
    private static final int OS_PAGE_SHIFT = 12;

    private static final UnsafeMemory MEMORY = UnsafeMemory.MEMORY;
    private static final VarHandle ACCESS;
    /** Every page present: the plain access path. */
    private static final int OPEN = 0;
    /** Some pages missing: accesses check the pages they touch. */
    private static final int MISSING = 1;
    private static final int CLOSED = 2;

    static {
        try {
            ACCESS = MethodHandles.lookup().findVarHandle(GuestMemory.class, "access", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long sizeBytes;
    private final int pageSize;
    private final int pageShift;
    private final long pageCount;
    private final OffHeapRegion region;
    private final long baseAddress;
    private final DirtyLog dirtyLog;
    /** OPEN, MISSING or CLOSED; read on every access, so one field serves both checks. */
    private volatile int access = OPEN;
    private MissingPages missing; // published by the volatile write of access

    private GuestMemory(long sizeBytes, int pageSize) {
        this.sizeBytes = sizeBytes;
        this.pageSize = pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.pageCount = sizeBytes >>> pageShift;
        this.region = OffHeapRegion.allocate(sizeBytes);
        this.baseAddress = region.address();
        this.dirtyLog = new DirtyLog(pageCount);
    }

    /** Allocates zeroed guest memory; the size must be a whole number of pages and at least 1 MiB. */
    public static GuestMemory allocate(long sizeBytes, int pageSize) {
        checkGeometry(sizeBytes, pageSize);
        return new GuestMemory(sizeBytes, pageSize);
    }

    public static GuestMemory allocate(long sizeBytes) {
        return allocate(sizeBytes, DEFAULT_PAGE_SIZE);
    }

    /** Validates a memory geometry without allocating it: the single rule for every caller. */
    public static void checkGeometry(long sizeBytes, int pageSize) {
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1 || pageSize > LARGE_PAGE_SIZE) {
            throw new IllegalArgumentException(
                    "page size must be a power of two from 512 bytes to 2 MiB, got " + pageSize);
        }
        if (sizeBytes < MIN_SIZE_BYTES) {
            throw new IllegalArgumentException("guest memory must be at least 1 MiB, got " + sizeBytes + " bytes");
        }
        if (sizeBytes % pageSize != 0) {
            throw new IllegalArgumentException(
                    "guest memory (" + sizeBytes + " bytes) must be a multiple of the page size (" + pageSize + ")");
        }
        if (sizeBytes / pageSize > Integer.MAX_VALUE - 64L) {
            throw new IllegalArgumentException("guest memory has too many pages: " + sizeBytes / pageSize);
        }
    }

    public long sizeBytes() { return sizeBytes; }
    public int pageSize() { return pageSize; }
    public long pageCount() { return pageCount; }
    public int pageShift() { return pageShift; }
    public DirtyLog dirtyLog() { return dirtyLog; }

    public long pageOf(long address) { return address >>> pageShift; }

    // ---- post-copy: pages that are not there yet ----

    /**
     * Marks the pages set in {@code missingPages} as not there yet: from now on a guest access to
     * one of them calls {@code handler} (once per page) and blocks until the page is loaded through
     * the returned {@link MissingPages}. Call it before the vCPUs run; once the last page is loaded
     * the memory returns to its plain access path by itself.
     *
     * @param vcpus the guest's vCPU count, for the blocktime of each
     */
    public MissingPages beginMissing(DirtyBitmap missingPages, int vcpus, PageFaultHandler handler) {
        return beginMissing(missingPages, vcpus, handler, null);
    }

    /** As {@link #beginMissing(DirtyBitmap, int, PageFaultHandler)}, recording each loaded page's CRC in {@code digests}. */
    public MissingPages beginMissing(DirtyBitmap missingPages, int vcpus, PageFaultHandler handler, PageDigests digests) {
        if (missingPages.pageCount() != pageCount) {
            throw new IllegalArgumentException("missing-page bitmap for " + missingPages.pageCount() + " pages, memory has " + pageCount);
        }
        long[] words = new long[missingPages.wordCount()];
        missingPages.copyWords(0, words);
        return beginMissing(words, missingPages.cardinality(), vcpus, handler, digests);
    }

    /**
     * As {@link #beginMissing(DirtyBitmap, int, PageFaultHandler, PageDigests)}, from the bitmap's
     * words as they came off the wire: bit i of word w set means page 64 w + i is missing (no bit
     * past the last page), {@code missingCount} of them. The words are taken over, not copied, and
     * nothing passes over them: this runs in post-copy's switch-over pause, where a guest of 1 GiB
     * would otherwise pay for 4096 words of interpreted code. The caller checks the count.
     */
    public MissingPages beginMissing(long[] missingWords, long missingCount, int vcpus, PageFaultHandler handler,
                                     PageDigests digests) {
        if (digests != null && digests.memory() != this) throw new IllegalArgumentException("page digests of another memory");
        MissingPages pages = new MissingPages(this, missingWords, missingCount, vcpus, handler, digests);
        if (access != OPEN || (missing != null && !missing.isComplete())) {
            throw new IllegalStateException(access == CLOSED ? "guest memory is closed" : "pages are already missing");
        }
        missing = pages;
        if (!pages.isComplete()) ACCESS.compareAndSet(this, OPEN, MISSING);
        return pages;
    }

    /** The missing pages of the last {@link #beginMissing}, or null if pages were never missing. */
    public MissingPages missingPages() { return missing; }

    /** The last missing page arrived: back to the plain access path. */
    void allPagesPresent() {
        ACCESS.compareAndSet(this, MISSING, OPEN);
    }

    // ---- tracked writes: data first, then the dirty mark (DirtyLog.mark is a release store) ----

    public void writeByte(long address, byte value) {
        check(address, 1);
        MEMORY.writeByte(baseAddress + address, value);
        dirtyLog.mark(address >>> pageShift);
    }

    public void writeInt(long address, int value) {
        check(address, 4);
        MEMORY.writeInt(baseAddress + address, value);
        dirtyLog.mark(address >>> pageShift);
    }

    public void writeLong(long address, long value) {
        check(address, 8);
        MEMORY.writeLong(baseAddress + address, value);
        dirtyLog.mark(address >>> pageShift);
    }

    public void writeDouble(long address, double value) {
        writeLong(address, Double.doubleToRawLongBits(value));
    }

    /** Bulk write from a heap array; marks every page the range touches. */
    public void write(long address, byte[] src, int offset, int length) {
        check(address, length);
        if (offset < 0 || length < 0 || offset + length > src.length) {
            throw new IndexOutOfBoundsException("source range " + offset + "+" + length + " outside array of " + src.length);
        }
        MEMORY.copyMemory(src, offset, baseAddress + address, length);
        markRange(address, length);
    }

    /** Fills a range with one byte value and marks it. */
    public void fill(long address, long length, byte value) {
        check(address, length);
        MEMORY.setMemory(baseAddress + address, length, value);
        markRange(address, length);
    }

    private void markRange(long address, long length) {
        if (length == 0) return;
        long last = (address + length - 1) >>> pageShift;
        for (long page = address >>> pageShift; page <= last; page++) {
            dirtyLog.mark(page);
        }
    }

    // ---- untracked writes: only for benchmarks that measure what tracking costs ----

    /** Writes without marking the page; for measurement of tracking overhead only. */
    public void writeLongUntracked(long address, long value) {
        check(address, 8);
        MEMORY.writeLong(baseAddress + address, value);
    }

    // ---- reads ----

    public byte readByte(long address) {
        check(address, 1);
        return MEMORY.readByte(baseAddress + address);
    }

    public int readInt(long address) {
        check(address, 4);
        return MEMORY.readInt(baseAddress + address);
    }

    public long readLong(long address) {
        check(address, 8);
        return MEMORY.readLong(baseAddress + address);
    }

    public double readDouble(long address) {
        return Double.longBitsToDouble(readLong(address));
    }

    public void read(long address, byte[] dst, int offset, int length) {
        check(address, length);
        if (offset < 0 || length < 0 || offset + length > dst.length) {
            throw new IndexOutOfBoundsException("destination range " + offset + "+" + length + " outside array of " + dst.length);
        }
        MEMORY.readBytes(baseAddress + address, dst, offset, length);
    }

    // ---- page operations for the migrator ----

    /** Copies one page into a caller's heap buffer at {@code offset}. */
    public void copyPageOut(long page, byte[] dst, int offset) {
        checkPage(page);
        if (offset < 0 || offset + pageSize > dst.length) {
            throw new IndexOutOfBoundsException("page does not fit at offset " + offset + " of " + dst.length);
        }
        MEMORY.readBytes(baseAddress + (page << pageShift), dst, offset, pageSize);
    }

    /**
     * Copies one page to native memory at {@code dstAddress} (e.g. a direct network buffer). The
     * caller owns the destination and guarantees it holds {@link #pageSize()} bytes.
     */
    public void copyPageOut(long page, long dstAddress) {
        checkPage(page);
        MEMORY.copyMemory(baseAddress + (page << pageShift), dstAddress, (long) pageSize);
    }

    /** Loads one page from a heap buffer without marking it dirty (the migrator's load-in). */
    public void loadPage(long page, byte[] src, int offset) {
        checkPage(page);
        if (offset < 0 || offset + pageSize > src.length) {
            throw new IndexOutOfBoundsException("page does not fit at offset " + offset + " of " + src.length);
        }
        MEMORY.copyMemory(src, offset, baseAddress + (page << pageShift), pageSize);
    }

    /** Loads one page from native memory at {@code srcAddress} without marking it dirty. */
    public void loadPage(long page, long srcAddress) {
        checkPage(page);
        MEMORY.copyMemory(srcAddress, baseAddress + (page << pageShift), (long) pageSize);
    }

    /** Loads {@code length} bytes from native memory into a page at {@code offset}, without marking it dirty (a delta's run). */
    public void loadPart(long page, int offset, long srcAddress, int length) {
        checkPage(page);
        if (offset < 0 || length < 0 || offset > pageSize - length) {
            throw new GuestMemoryAccessException((page << pageShift) + offset, length, sizeBytes);
        }
        MEMORY.copyMemory(srcAddress, baseAddress + (page << pageShift) + offset, (long) length);
    }

    /** Clears one page without marking it dirty (a zero page arriving from the source). */
    public void zeroPage(long page) {
        checkPage(page);
        MEMORY.setMemory(baseAddress + (page << pageShift), pageSize, (byte) 0);
    }

    public boolean isZeroPage(long page) {
        checkPage(page);
        long address = baseAddress + (page << pageShift);
        long end = address + pageSize;
        for (long a = address; a < end; a += 8) {
            if (MEMORY.readLong(a) != 0) return false;
        }
        return true;
    }

    /** CRC32C of one page. */
    public int pageDigest(long page) {
        checkPage(page);
        CRC32C crc = new CRC32C();
        crc.update(DirectBuffers.view(baseAddress + (page << pageShift), pageSize));
        return (int) crc.getValue();
    }

    /**
     * Digest of all memory: the CRC32C of every page's CRC32C, mixed with the size (so two memories
     * of different sizes never compare equal by accident); see {@link PageDigests}. Reads memory on
     * up to two threads, since a paused guest leaves the cores free.
     */
    public long digest() {
        return digest(digestThreads());
    }

    /** The most threads {@link #digest()} reads memory on. */
    public static final int MAX_DIGEST_THREADS = 2;

    /** The threads {@link #digest()} reads memory on: up to {@link #MAX_DIGEST_THREADS}, as the host's cores allow. */
    public static int digestThreads() {
        return Math.min(MAX_DIGEST_THREADS, Runtime.getRuntime().availableProcessors());
    }

    public long digest(int threads) {
        int[] crcs = new int[Math.toIntExact(pageCount)];
        pageCrcs(crcs, threads);
        return PageDigests.combine(crcs, sizeBytes);
    }

    /** The CRC of each of the first {@code crcs.length} pages, read on up to {@code threads} threads. */
    void pageCrcs(int[] crcs, int threads) {
        int parts = (int) Math.max(1, Math.min(threads, crcs.length / 256));
        PartedWork.run(parts, "digest", part -> {
            ByteBuffer[] views = chunkViews();
            CRC32C crc = new CRC32C();
            long from = (long) crcs.length * part / parts;
            long to = (long) crcs.length * (part + 1) / parts;
            for (long page = from; page < to; page++) crcs[(int) page] = PageDigests.pageCrc(this, views, crc, page);
        });
    }

    /** One ByteBuffer view per 1 GiB chunk (views hold at most 2 GiB); a caller's own set, since views have positions. */
    ByteBuffer[] chunkViews() {
        int chunks = (int) ((sizeBytes + CHUNK_BYTES - 1) >>> CHUNK_SHIFT);
        ByteBuffer[] views = new ByteBuffer[chunks];
        for (int i = 0; i < chunks; i++) {
            long offset = (long) i << CHUNK_SHIFT;
            views[i] = DirectBuffers.view(baseAddress + offset, (int) Math.min(CHUNK_BYTES, sizeBytes - offset));
        }
        return views;
    }

    /** A ByteBuffer view of one page (no copy), for code that cannot take a raw address. */
    public java.nio.ByteBuffer pageView(long page) {
        checkPage(page);
        return DirectBuffers.view(baseAddress + (page << pageShift), pageSize);
    }

    /**
     * A ByteBuffer view (no copy) of {@code length} bytes of guest memory from {@code offset}, for
     * code that hands memory to I/O (a socket write straight from guest memory). Valid while the
     * memory lives; writes through it are not tracked.
     */
    public ByteBuffer view(long offset, int length) {
        check(offset, length);
        return DirectBuffers.view(baseAddress + offset, length);
    }

    /**
     * Touches every 4 KiB of memory with a write that keeps its contents (an atomic add of 0), on
     * {@code threads} threads, so the first touch of fresh memory happens now and not when a page
     * is loaded: on these VMs a first touch costs a host fault, about 2 s per GiB on one thread.
     * Safe while other threads load pages, since it never changes a byte.
     *
     * @return the time it took, in nanoseconds
     */
    public long prefault(int threads) {
        long start = System.nanoTime();
        int parts = (int) Math.max(1, Math.min(threads, sizeBytes >>> 24));
        PartedWork.run(parts, "prefault", part -> prefaultPart(part, parts));
        return System.nanoTime() - start;
    }

    private void prefaultPart(int part, int parts) {
        long osPages = sizeBytes >>> OS_PAGE_SHIFT;
        long end = (osPages * (part + 1) / parts) << OS_PAGE_SHIFT;
        for (long at = (osPages * part / parts) << OS_PAGE_SHIFT; at < end; at += 1L << OS_PAGE_SHIFT) {
            if (access == CLOSED) throw new IllegalStateException("guest memory is closed");
            MEMORY.addLong(baseAddress + at, 0L);
        }
    }

    /** Address of a page for code that must hand it to a native copy (bounds-checked). */
    public long pageAddress(long page) {
        checkPage(page);
        return baseAddress + (page << pageShift);
    }

    /** The guest's access check: in bounds, open, and (only while pages are missing) present. */
    private void check(long address, long length) {
        if (address < 0 || length < 0 || address > sizeBytes - length) {
            throw new GuestMemoryAccessException(address, length, sizeBytes);
        }
        int state = access;
        if (state != OPEN) awaitAccess(state, address, length);
    }

    private void awaitAccess(int state, long address, long length) {
        if (state == CLOSED) throw new IllegalStateException("guest memory is closed");
        if (length > 0) missing.awaitPresent(address >>> pageShift, (address + length - 1) >>> pageShift);
    }

    /** The migrator's check: page operations never wait for a missing page. */
    private void checkPage(long page) {
        if (page < 0 || page >= pageCount) {
            throw new GuestMemoryAccessException(page << pageShift, pageSize, sizeBytes);
        }
        if (access == CLOSED) throw new IllegalStateException("guest memory is closed");
    }

    @Override
    public void close() {
        int before = (int) ACCESS.getAndSet(this, CLOSED);
        if (before != CLOSED) {
            MissingPages pages = missing;
            if (pages != null) pages.abandon("guest memory was closed");
            region.close();
        }
    }
}
