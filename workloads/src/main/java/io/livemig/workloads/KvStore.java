package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;
import io.livemig.emulator.VcpuContext;
import io.livemig.emulator.Verification;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kvstore}: an open-addressing (linear probing) hash table in guest memory holding
 * {@code records} entries of {@code value} bytes, under a YCSB-A-like mix: 50 % reads, 50 %
 * updates, keys drawn from a scrambled Zipf distribution (theta 0.99). vCPU {@code v} of {@code V}
 * owns the keys {@code k} with {@code k mod V == v}; the table is shared, each entry is written by
 * its owner only. One op = one read or update.
 *
 * <pre>
 * table: capacity = next power of two >= records * 4/3 entries of 24 + roundUp8(value) bytes
 *   +0  key + 1 (0 = empty)
 *   +8  version (1 at boot, +1 per update)
 *   +16 checksum = chain of mix64 over (seed, key, version, payload words)
 *   +24 payload: value bytes derived from (seed, key, version), zero padding to 8
 * </pre>
 *
 * <p>Invariant: every entry's checksum matches its key, version and payload; every key is present
 * once and reachable from its home slot; empty slots are all zero; the versions add up to the
 * updates the vCPUs counted; no read found a bad entry.
 */
public final class KvStore extends Workload {
    public static final String NAME = "kvstore";
    public static final List<String> KEYS = List.of("records", "value", "seed");
    public static final long DEFAULT_RECORDS = 100_000;
    public static final long DEFAULT_VALUE = 100;
    public static final long MAX_RECORDS = 1L << 28;
    public static final long MAX_VALUE = 65_536;
    static final double THETA = 0.99;
    static final int HEADER = 24;

    static final int R_RNG = 0, R_SINK = 1;
    static final int S_OPS = 0, S_UPDATES = 8, S_READ_ERRORS = 16, S_ZETAN = 24, S_ETA = 32;

    private final long records;
    private final int valueBytes;
    private final long seed;
    private final int words;
    private final long capacity;
    private final long entryBytes;
    private final int opsPerStep;

    KvStore(long records, int valueBytes, long seed) {
        this.records = records;
        this.valueBytes = valueBytes;
        this.seed = seed;
        this.words = (valueBytes + 7) / 8;
        this.capacity = Long.highestOneBit(Math.max(2, (records * 4 + 2) / 3 - 1)) << 1;
        this.entryBytes = HEADER + 8L * words;
        this.opsPerStep = Math.max(1, Math.min(32, 1024 / (words + 8)));
    }

    static KvStore fromParams(Params p) {
        return new KvStore(p.integer("records", DEFAULT_RECORDS, 1, MAX_RECORDS),
                (int) p.integer("value", DEFAULT_VALUE, 8, MAX_VALUE),
                p.integer("seed", Workloads.DEFAULT_SEED, 0, Long.MAX_VALUE));
    }

    @Override public String name() { return NAME; }

    @Override
    public String spec() { return NAME + ":records=" + records + ",value=" + valueBytes + ",seed=" + seed; }

    @Override
    protected long dataBytes(int pageSize, int vcpus) { return capacity * entryBytes; }

    @Override
    protected String sizeLabel() {
        return NAME + " table of " + records + " records x " + valueBytes + " bytes (" + Sizes.human(capacity * entryBytes) + ")";
    }

    @Override
    protected void checkShape(int pageSize, int vcpus) {
        if (records < vcpus) throw new IllegalArgumentException(NAME + " needs at least one record per vCPU: " + records + " records, " + vcpus + " vCPUs");
    }

    private long keysOf(int vcpu, int vcpus) { return (records - vcpu + vcpus - 1) / vcpus; }

    private long home(long key) { return Mix.mix64(key ^ Mix.mix64(seed)) & (capacity - 1); }

    private long entry(long base, long slot) { return base + slot * entryBytes; }

    private long payloadWord(long key, long version, int j) {
        long w = Mix.mix64(Mix.hash(seed ^ 0x7A1E, key, version) + j * Mix.GOLDEN);
        return j == words - 1 ? w & lastMask() : w;
    }

    private long lastMask() {
        int tail = valueBytes % 8;
        return tail == 0 ? -1L : (1L << (8 * tail)) - 1;
    }

    private long checksumStart(long key, long version) { return Mix.hash(seed, key, version); }

    @Override
    protected void layout(GuestMemory memory, int vcpus) {
        long base = dataBase(memory, vcpus);
        for (long key = 0; key < records; key++) {
            long slot = home(key);
            while (memory.readLong(entry(base, slot)) != 0) slot = (slot + 1) & (capacity - 1);
            long e = entry(base, slot);
            long sum = checksumStart(key, 1);
            for (int j = 0; j < words; j++) {
                long w = payloadWord(key, 1, j);
                memory.writeLong(e + HEADER + 8L * j, w);
                sum = Mix.mix64(sum ^ w);
            }
            memory.writeLong(e + 16, sum);
            memory.writeLong(e + 8, 1);
            memory.writeLong(e, key + 1);
        }
        Map<Long, Double> zetas = new HashMap<>();
        for (int v = 0; v < vcpus; v++) {
            long n = keysOf(v, vcpus);
            double zetan = zetas.computeIfAbsent(n, k -> Zipf.zeta(k, THETA));
            long slot = slotAddress(memory, v);
            memory.writeDouble(slot + S_ZETAN, zetan);
            memory.writeDouble(slot + S_ETA, Zipf.eta(n, THETA, zetan));
        }
    }

    @Override
    public void initVcpu(VcpuContext vcpu) {
        vcpu.setRegister(R_RNG, Mix.seedState(seed, vcpu.index()));
        vcpu.setRegister(R_SINK, 1);
    }

    @Override
    public void step(VcpuContext vcpu) {
        GuestMemory memory = vcpu.memory();
        int vcpus = vcpu.vcpuCount();
        int me = vcpu.index();
        long base = dataBase(memory, vcpus);
        long slotMeta = slotAddress(memory, me);
        double zetan = memory.readDouble(slotMeta + S_ZETAN);
        double eta = memory.readDouble(slotMeta + S_ETA);
        long n = keysOf(me, vcpus);
        long rng = vcpu.register(R_RNG), sink = vcpu.register(R_SINK);
        long updates = 0, readErrors = 0;
        for (int op = 0; op < opsPerStep; op++) {
            rng = Mix.next(rng);
            boolean read = rng < 0;
            rng = Mix.next(rng);
            long rank = Zipf.rank(rng, n, THETA, zetan, eta);
            long key = me + (long) vcpus * Long.remainderUnsigned(Mix.mix64(rank), n);
            long e = find(memory, base, key);
            if (e < 0) {
                readErrors++;
                continue;
            }
            if (read) {
                long version = memory.readLong(e + 8);
                long sum = checksumStart(key, version);
                for (int j = 0; j < words; j++) sum = Mix.mix64(sum ^ memory.readLong(e + HEADER + 8L * j));
                if (sum != memory.readLong(e + 16)) readErrors++;
                sink ^= sum;
            } else {
                long version = memory.readLong(e + 8) + 1;
                long sum = checksumStart(key, version);
                for (int j = 0; j < words; j++) {
                    long w = payloadWord(key, version, j);
                    vcpu.writeLong(e + HEADER + 8L * j, w);
                    sum = Mix.mix64(sum ^ w);
                }
                vcpu.writeLong(e + 16, sum);
                vcpu.writeLong(e + 8, version);
                updates++;
            }
        }
        vcpu.setRegister(R_RNG, rng);
        vcpu.setRegister(R_SINK, sink);
        vcpu.writeLong(slotMeta + S_OPS, memory.readLong(slotMeta + S_OPS) + opsPerStep);
        if (updates > 0) vcpu.writeLong(slotMeta + S_UPDATES, memory.readLong(slotMeta + S_UPDATES) + updates);
        if (readErrors > 0) vcpu.writeLong(slotMeta + S_READ_ERRORS, memory.readLong(slotMeta + S_READ_ERRORS) + readErrors);
        vcpu.completeOps(opsPerStep);
    }

    /** The address of key's entry, or -1 if an empty slot ends the probe first. */
    private long find(GuestMemory memory, long base, long key) {
        long slot = home(key);
        for (long probes = 0; probes < capacity; probes++) {
            long e = entry(base, slot);
            long stored = memory.readLong(e);
            if (stored == key + 1) return e;
            if (stored == 0) return -1;
            slot = (slot + 1) & (capacity - 1);
        }
        return -1;
    }

    @Override
    public Verification verify(GuestMemory memory, int vcpus) {
        long updates = 0;
        for (int v = 0; v < vcpus; v++) {
            long slotMeta = slotAddress(memory, v);
            Verification ops = checkOps(NAME, memory, v, memory.readLong(slotMeta + S_OPS));
            if (ops != null) return ops;
            long readErrors = memory.readLong(slotMeta + S_READ_ERRORS);
            if (readErrors != 0) return Verification.failed(NAME + " vCPU " + v + ": " + readErrors + " reads found a missing or corrupt entry");
            updates += memory.readLong(slotMeta + S_UPDATES);
        }
        long base = dataBase(memory, vcpus);
        BitSet seen = new BitSet((int) Math.min(records, Integer.MAX_VALUE));
        long present = 0, versions = 0;
        for (long slot = 0; slot < capacity; slot++) {
            long e = entry(base, slot);
            long stored = memory.readLong(e);
            if (stored == 0) {
                for (long off = 8; off < entryBytes; off += 8) {
                    if (memory.readLong(e + off) != 0) return broken(slot, e, "empty slot has non-zero bytes at offset " + off);
                }
                continue;
            }
            long key = stored - 1;
            if (key < 0 || key >= records) return broken(slot, e, "holds key " + key + ", outside 0.." + (records - 1));
            if (seen.get((int) key)) return broken(slot, e, "holds key " + key + " a second time");
            seen.set((int) key);
            long version = memory.readLong(e + 8);
            long sum = checksumStart(key, version);
            for (int j = 0; j < words; j++) sum = Mix.mix64(sum ^ memory.readLong(e + HEADER + 8L * j));
            if (version < 1 || sum != memory.readLong(e + 16)) {
                return broken(slot, e, "key " + key + " version " + version + ": checksum mismatch (key, version or value bytes changed)");
            }
            if ((memory.readLong(e + HEADER + 8L * (words - 1)) & ~lastMask()) != 0) {
                return broken(slot, e, "key " + key + ": padding after the value is not zero");
            }
            for (long s = home(key); s != slot; s = (s + 1) & (capacity - 1)) {
                if (memory.readLong(entry(base, s)) == 0) return broken(slot, e, "key " + key + " is not reachable from its home slot " + home(key));
            }
            present++;
            versions += version - 1;
        }
        if (present != records) return Verification.failed(NAME + ": " + present + " of " + records + " records present");
        if (versions != updates) {
            return Verification.failed(NAME + ": entries carry " + versions + " updates but the vCPUs made " + updates + " (an update was lost)");
        }
        return Verification.passed(NAME + ": " + records + " records intact in " + capacity + " slots, " + updates + " updates accounted for");
    }

    private static Verification broken(long slot, long address, String what) {
        return Verification.failed(NAME + " slot " + slot + " (address 0x" + Long.toHexString(address) + "): " + what);
    }
}
