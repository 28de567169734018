package io.livemig.emulator;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The memory digest, kept page by page: CRC32C of every page, and the digest of all memory as the
 * CRC32C of those page CRCs (mixed with the size). A destination records the CRC of each page as
 * it loads it, so the digest of its memory is ready the moment the last page lands instead of
 * costing a full read of guest memory inside the downtime. {@link GuestMemory#digest()} computes
 * the same function from scratch, so the two sides compare like with like.
 *
 * <p>{@link #record} and {@link #recordZero} are for one receiving thread; several loading threads
 * each record through their own {@link #sharedView()}, on distinct pages. Post-copy, where pages
 * land from two connections, uses {@link #recordFromAnyThread}, which keeps its scratch state per
 * thread. Either way a page's CRC must be recorded before anyone else may write the page (a
 * post-copy load records it before the page becomes present).
 */
public final class PageDigests {
    private final GuestMemory memory;
    private final int[] crcs;
    private final ByteBuffer[] chunkViews;
    private final CRC32C crc = new CRC32C();
    private final ThreadLocal<Scratch> scratch;
    private final int zeroCrc;

    /** What one recording thread needs: its own CRC and its own views (views have positions). */
    private record Scratch(CRC32C crc, ByteBuffer[] views) {}

    /** Digests of a memory that is all zero now (a fresh destination). */
    public PageDigests(GuestMemory memory) {
        this.memory = memory;
        this.crcs = new int[Math.toIntExact(memory.pageCount())];
        this.zeroCrc = zeroPageCrc(memory.pageSize());
        Arrays.fill(crcs, zeroCrc);
        this.chunkViews = memory.chunkViews();
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new CRC32C(), memory.chunkViews()));
    }

    GuestMemory memory() { return memory; }

    private PageDigests(PageDigests shared) {
        this.memory = shared.memory;
        this.crcs = shared.crcs;
        this.chunkViews = memory.chunkViews();
        this.scratch = shared.scratch;
        this.zeroCrc = shared.zeroCrc;
    }

    /**
     * Digests that record into the same table with their own checksum state, for another loading
     * thread (threads must load distinct pages; whoever reads the digest must have waited for them).
     */
    public PageDigests sharedView() {
        return new PageDigests(this);
    }

    /** Records the CRC of a page just loaded. */
    public void record(long page) {
        crcs[(int) page] = pageCrc(memory, chunkViews, crc, page);
    }

    /** Records the CRC of a page just loaded, from any thread (pages of different threads never overlap). */
    public void recordFromAnyThread(long page) {
        Scratch s = scratch.get();
        crcs[(int) page] = pageCrc(memory, s.views(), s.crc(), page);
    }

    /** Records a page just cleared. */
    public void recordZero(long page) {
        crcs[(int) page] = zeroCrc;
    }

    /** The digest of memory as recorded, equal to {@link GuestMemory#digest()} if nothing else wrote it. */
    public long digest() {
        return combine(crcs, memory.sizeBytes());
    }

    static int pageCrc(GuestMemory memory, ByteBuffer[] chunkViews, CRC32C crc, long page) {
        long offset = page << memory.pageShift();
        ByteBuffer view = chunkViews[(int) (offset >>> GuestMemory.CHUNK_SHIFT)];
        int at = (int) (offset & (GuestMemory.CHUNK_BYTES - 1));
        view.limit(at + memory.pageSize()).position(at);
        crc.reset();
        crc.update(view);
        return (int) crc.getValue();
    }

    static long combine(int[] pageCrcs, long sizeBytes) {
        ByteBuffer bytes = ByteBuffer.allocate(pageCrcs.length * 4);
        bytes.asIntBuffer().put(pageCrcs);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (crc.getValue() << 32) ^ sizeBytes;
    }

    static int zeroPageCrc(int pageSize) {
        CRC32C crc = new CRC32C();
        crc.update(new byte[pageSize]);
        return (int) crc.getValue();
    }
}
