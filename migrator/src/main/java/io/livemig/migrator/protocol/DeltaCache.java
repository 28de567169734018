package io.livemig.migrator.protocol;

import io.livemig.emulator.GuestMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * The sender's copy of pages as it last sent them, for {@link Xbzrle} deltas: a fixed number of
 * page-sized slots off the heap (a {@link GuestMemory} of the cache's size: untouched slots cost
 * nothing), and a primitive map from page index to slot (no boxing). When every slot is taken, the
 * oldest insertion is evicted (FIFO), as a page sent long ago is the least likely to come back
 * soon. Not thread-safe: one per sending thread; with several channels each owns the pages of its
 * own share, so each page has exactly one cache.
 */
public final class DeltaCache implements AutoCloseable {
    private static final long NO_PAGE = -1;
    /** One slice of the store: slots are addressed within it by int offsets. */
    public static final long MAX_BYTES = 1L << 30;

    private final int pageSize;
    private final int slots;
    private final GuestMemory store;
    private final ByteBuf storeBuf;
    private final LongIntHashMap slotOfPage;
    private final long[] pageOfSlot;
    private int nextVictim;
    private long misses;
    private long hits;

    /** @param sizeBytes room for {@code sizeBytes / pageSize} pages; at least one page, at most {@link #MAX_BYTES} */
    public DeltaCache(long sizeBytes, int pageSize) {
        if (sizeBytes < pageSize || sizeBytes > MAX_BYTES) {
            throw new IllegalArgumentException("delta cache of " + sizeBytes + " bytes: must hold a page and be at most 1 GiB");
        }
        this.pageSize = ProtocolLimits.checkPageSize(pageSize);
        this.slots = (int) (sizeBytes / pageSize);
        long storeBytes = Math.max(GuestMemory.MIN_SIZE_BYTES, (long) slots * pageSize);
        this.store = GuestMemory.allocate(storeBytes, pageSize);
        this.storeBuf = Unpooled.wrappedBuffer(store.view(0, (int) storeBytes));
        this.slotOfPage = new LongIntHashMap(Math.min(slots, 1 << 16));
        this.pageOfSlot = new long[slots];
        java.util.Arrays.fill(pageOfSlot, NO_PAGE);
    }

    public int pageSize() {
        return pageSize;
    }

    public int slots() {
        return slots;
    }

    /** The slot holding {@code page} as last sent, or -1; counts a hit or a miss. */
    public int lookup(long page) {
        int slot = slotOfPage.getIfAbsent(page, -1);
        if (slot < 0) misses++;
        else hits++;
        return slot;
    }

    /** A slot for {@code page} (its own if it has one, else a free or the oldest one, evicting its page). */
    public int slotFor(long page) {
        int slot = slotOfPage.getIfAbsent(page, -1);
        if (slot >= 0) return slot;
        slot = nextVictim;
        nextVictim = nextVictim + 1 == slots ? 0 : nextVictim + 1;
        if (pageOfSlot[slot] != NO_PAGE) slotOfPage.remove(pageOfSlot[slot]);
        pageOfSlot[slot] = page;
        slotOfPage.put(page, slot);
        return slot;
    }

    /** Forgets {@code page}: the destination's copy changed in a way the cache did not see (e.g. it was zeroed). */
    public void forget(long page) {
        int slot = slotOfPage.getIfAbsent(page, -1);
        if (slot >= 0) {
            slotOfPage.remove(page);
            pageOfSlot[slot] = NO_PAGE;
        }
    }

    /** The store: slot {@code s} is {@code pageSize} bytes at {@link #offset(int) offset(s)}. */
    public ByteBuf store() {
        return storeBuf;
    }

    public int offset(int slot) {
        return slot * pageSize;
    }

    /** Pages looked up and not found. */
    public long misses() {
        return misses;
    }

    public long hits() {
        return hits;
    }

    public int size() {
        return slotOfPage.size();
    }

    @Override
    public void close() {
        store.close();
    }
}
