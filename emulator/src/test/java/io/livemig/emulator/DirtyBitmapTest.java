package io.livemig.emulator;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bulk word operations post-copy's maps use: the same pages as set one by one. */
class DirtyBitmapTest {

    @Property(tries = 200)
    void wordsCopiedOutAndOrdInAreTheSamePages(@ForAll @IntRange(min = 1, max = 5_000) int pageCount,
                                               @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 4_999) Integer> first,
                                               @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 4_999) Integer> second) {
        DirtyBitmap a = new DirtyBitmap(pageCount);
        first.stream().filter(p -> p < pageCount).forEach(a::set);
        DirtyBitmap b = new DirtyBitmap(pageCount);
        second.stream().filter(p -> p < pageCount).forEach(b::set);
        long[] words = new long[a.wordCount()];
        a.copyWords(0, words);

        long before = b.cardinality();
        long added = b.orWords(0, words);

        long union = java.util.stream.Stream.concat(first.stream(), second.stream()).filter(p -> p < pageCount).distinct().count();
        assertThat(b.cardinality()).isEqualTo(union);
        assertThat(added).isEqualTo(union - before);
        first.stream().filter(p -> p < pageCount).forEach(p -> assertThat(b.get(p)).isTrue());
    }

    @Test
    void bitsPastTheLastPageAreIgnored() {
        DirtyBitmap bitmap = new DirtyBitmap(100);
        assertThat(bitmap.orWords(1, new long[] {-1L})).as("pages 64..99").isEqualTo(36);
        assertThat(bitmap.cardinality()).isEqualTo(36);
        assertThat(bitmap.nextSetPage(0)).isEqualTo(64);
    }

    @Test
    void wordsPastTheEndAreRefused() {
        DirtyBitmap bitmap = new DirtyBitmap(100);
        assertThatThrownBy(() -> bitmap.orWords(1, new long[] {0, 0})).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(bitmap.cardinality()).isZero();
    }
}
