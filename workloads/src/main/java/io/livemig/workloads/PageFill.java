package io.livemig.workloads;

import io.livemig.emulator.GuestMemory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code fill}: what the untouched rest of each working-set page holds, so that compression and
 * delta encoding are measured on memory that compresses like real memory, or does not.
 * {@code zero} (the default, as before): nothing; {@code text}: English-like words (compresses
 * about 3-4x); {@code random}: random bytes (does not compress); {@code mixed}: each page one of
 * the three, by its index (a third each). The contents are a function of (seed, page), written
 * once at boot, and checked byte for byte by {@code verify}; the workload's own writes touch only
 * the first 16 bytes of a page, as before.
 */
enum PageFill {
    ZERO, TEXT, RANDOM, MIXED;

    static final List<String> WORDS = List.of("zero", "text", "random", "mixed");
    /** The filler starts after the stamp (count and check word). */
    static final int FROM = 16;

    private static final byte[][] VOCABULARY = words("the", "of", "and", "to", "in", "memory", "page", "guest", "migration",
            "round", "dirty", "copy", "source", "destination", "is", "that", "for", "with", "a", "time", "rate", "link",
            "downtime", "converges", "throttle", "vCPU", "state", "kernel", "buffer", "write", "read", "value");

    static PageFill parse(String word) {
        return valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }

    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The kind of filler page {@code page} holds. */
    PageFill of(long seed, long page) {
        if (this != MIXED) return this;
        return switch ((int) Long.remainderUnsigned(Mix.hash(seed, page, 0x3F11L), 3)) {
            case 0 -> ZERO;
            case 1 -> TEXT;
            default -> RANDOM;
        };
    }

    /** Bytes {@code [FROM, pageSize)} of page {@code page} into {@code out} (length pageSize - FROM). */
    void render(long seed, long page, byte[] out) {
        PageFill kind = of(seed, page);
        long rng = Mix.seedState(seed ^ 0xF111L, (int) page) ^ page;
        switch (kind) {
            case ZERO -> java.util.Arrays.fill(out, (byte) 0);
            case RANDOM -> {
                for (int i = 0; i < out.length; i += 8) {
                    rng = Mix.next(rng);
                    for (int b = 0; b < 8 && i + b < out.length; b++) out[i + b] = (byte) (rng >>> (8 * b));
                }
            }
            default -> {
                int at = 0;
                while (at < out.length) {
                    rng = Mix.next(rng);
                    byte[] word = VOCABULARY[(int) Long.remainderUnsigned(rng, VOCABULARY.length)];
                    for (int i = 0; i < word.length && at < out.length; i++) out[at++] = word[i];
                    if (at < out.length) out[at++] = (byte) ((rng >>> 40) % 11 == 0 ? '\n' : ' ');
                }
            }
        }
    }

    /** Writes the filler of every page in [base, base + pages x pageSize). */
    void fill(GuestMemory memory, long seed, long base, long pages) {
        if (this == ZERO) return;
        byte[] buf = new byte[memory.pageSize() - FROM];
        for (long p = 0; p < pages; p++) {
            long address = base + p * memory.pageSize();
            render(seed, address >>> memory.pageShift(), buf);
            memory.write(address + FROM, buf, 0, buf.length);
        }
    }

    /** Null if bytes {@code [FROM, pageSize)} of the page at {@code address} hold its filler, else the first offset that does not. */
    String check(GuestMemory memory, long seed, long address, byte[] expected, byte[] actual) {
        render(seed, address >>> memory.pageShift(), expected);
        memory.read(address + FROM, actual, 0, actual.length);
        if (java.util.Arrays.equals(expected, actual)) return null;
        return "filler byte at offset " + (FROM + java.util.Arrays.mismatch(expected, actual)) + " changed (" + word() + ")";
    }

    private static byte[][] words(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) out[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        return out;
    }
}
