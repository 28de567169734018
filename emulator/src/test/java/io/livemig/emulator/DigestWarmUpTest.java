package io.livemig.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DigestWarmUpTest {

    @Test
    void readsAGuestSmallerThanItsPageCountWithoutChangingItsMemoryOrItsDigest() {
        try (GuestMemory memory = GuestMemory.allocate(8L << 20)) {
            for (long page = 0; page < memory.pageCount(); page += 3) memory.writeLong(page * memory.pageSize(), page + 1);
            long before = memory.digest();
            memory.dirtyLog().enable();

            DigestWarmUp.once(memory);
            DigestWarmUp.once(memory); // once per JVM: later calls return at once

            assertThat(memory.digest()).isEqualTo(before);
            assertThat(memory.dirtyLog().countDirty()).isZero();
        }
    }

    @Test
    void thePageCrcsOfAPrefixAreThoseTheFullDigestCombines() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            for (long page = 0; page < memory.pageCount(); page++) memory.writeLong(page * memory.pageSize() + 8, page * 31);
            int[] all = new int[(int) memory.pageCount()];
            int[] prefix = new int[all.length / 2];
            memory.pageCrcs(all, 2);
            memory.pageCrcs(prefix, 1);

            assertThat(PageDigests.combine(all, memory.sizeBytes())).isEqualTo(memory.digest());
            for (int page = 0; page < prefix.length; page++) assertThat(prefix[page]).isEqualTo(all[page]);
        }
    }
}
