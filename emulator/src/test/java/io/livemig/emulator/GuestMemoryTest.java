package io.livemig.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestMemoryTest {
    private static final long MIB = 1 << 20;

    @Test
    void typedWritesReadBackAndMarkTheirPage() {
        try (GuestMemory memory = GuestMemory.allocate(4 * MIB)) {
            memory.dirtyLog().enable();
            memory.writeLong(8192 + 16, 0x1122334455667788L);
            memory.writeInt(3 * 4096, 42);
            memory.writeByte(4 * MIB - 1, (byte) 7);

            assertThat(memory.readLong(8192 + 16)).isEqualTo(0x1122334455667788L);
            assertThat(memory.readInt(3 * 4096)).isEqualTo(42);
            assertThat(memory.readByte(4 * MIB - 1)).isEqualTo((byte) 7);
            assertThat(memory.dirtyLog().isDirty(2)).isTrue();
            assertThat(memory.dirtyLog().isDirty(3)).isTrue();
            assertThat(memory.dirtyLog().isDirty(memory.pageCount() - 1)).isTrue();
            assertThat(memory.dirtyLog().countDirty()).isEqualTo(3);
        }
    }

    @Test
    void bulkWritesMarkEveryPageTheyTouch() {
        try (GuestMemory memory = GuestMemory.allocate(2 * MIB)) {
            memory.dirtyLog().enable();
            memory.write(4096 - 1, new byte[4096 + 2], 0, 4096 + 2);
            assertThat(memory.dirtyLog().countDirty()).isEqualTo(3);
        }
    }

    @Test
    void accessesOutsideMemoryFailWithAClearMessage() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            assertThatThrownBy(() -> memory.readLong(MIB - 4))
                    .isInstanceOf(GuestMemoryAccessException.class)
                    .hasMessageContaining("outside guest memory of 1048576 bytes");
            assertThatThrownBy(() -> memory.writeLong(-8, 1)).isInstanceOf(GuestMemoryAccessException.class);
            assertThatThrownBy(() -> memory.isZeroPage(memory.pageCount())).isInstanceOf(GuestMemoryAccessException.class);
        }
    }

    @Test
    void badGeometryIsRefused() {
        assertThatThrownBy(() -> GuestMemory.allocate(MIB / 2)).hasMessageContaining("at least 1 MiB");
        assertThatThrownBy(() -> GuestMemory.allocate(MIB + 100)).hasMessageContaining("multiple of the page size");
        assertThatThrownBy(() -> GuestMemory.allocate(MIB, 3000)).hasMessageContaining("power of two");
    }

    @Test
    void pagesCopyOutAndLoadInWithoutMarking() {
        try (GuestMemory source = GuestMemory.allocate(2 * MIB); GuestMemory target = GuestMemory.allocate(2 * MIB)) {
            for (long a = 0; a < 2 * MIB; a += 8) source.writeLong(a, a * 31 + 7);
            target.dirtyLog().enable();
            byte[] buffer = new byte[4096];
            for (long page = 0; page < source.pageCount(); page++) {
                source.copyPageOut(page, buffer, 0);
                target.loadPage(page, buffer, 0);
            }
            assertThat(target.digest()).isEqualTo(source.digest());
            assertThat(target.dirtyLog().countDirty()).isZero();
            assertThat(target.pageDigest(5)).isEqualTo(source.pageDigest(5));
        }
    }

    @Test
    void zeroPagesAreRecognisedAndDigestsSeeEveryByte() {
        try (GuestMemory memory = GuestMemory.allocate(MIB)) {
            long before = memory.digest();
            assertThat(memory.isZeroPage(10)).isTrue();
            memory.writeByte(10 * 4096 + 4095, (byte) 1);
            assertThat(memory.isZeroPage(10)).isFalse();
            assertThat(memory.digest()).isNotEqualTo(before);
            memory.zeroPage(10);
            assertThat(memory.isZeroPage(10)).isTrue();
            assertThat(memory.digest()).isEqualTo(before);
        }
    }

    @Test
    void pageDigestsRecordedWhileLoadingEqualTheDigestOfTheMemory() {
        try (GuestMemory source = GuestMemory.allocate(4 * MIB); GuestMemory target = GuestMemory.allocate(4 * MIB)) {
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 3000; i++) source.writeLong((random.nextInt((int) (4 * MIB / 8))) * 8L, random.nextLong());
            PageDigests recorded = new PageDigests(target);
            assertThat(recorded.digest()).as("a fresh memory is all zero").isEqualTo(target.digest());
            byte[] page = new byte[4096];
            for (long p = 0; p < source.pageCount(); p++) {
                if (source.isZeroPage(p)) continue;
                source.copyPageOut(p, page, 0);
                target.loadPage(p, page, 0);
                recorded.record(p);
            }
            assertThat(recorded.digest()).isEqualTo(target.digest()).isEqualTo(source.digest());
            assertThat(source.digest(1)).isEqualTo(source.digest(2));
            target.zeroPage(3);
            recorded.recordZero(3);
            assertThat(recorded.digest()).isEqualTo(target.digest());
        }
    }

    @Test
    void largePagesWork() {
        try (GuestMemory memory = GuestMemory.allocate(8 * MIB, GuestMemory.LARGE_PAGE_SIZE)) {
            assertThat(memory.pageCount()).isEqualTo(4);
            memory.dirtyLog().enable();
            memory.writeLong(5 * MIB, 1);
            assertThat(memory.dirtyLog().isDirty(2)).isTrue();
        }
    }
}
