package io.livemig.emulator;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The bulk copy post-copy's maps use: the same pages, word for word. */
class DirtyBitmapTest {

    @Property(tries = 200)
    void wordsCopiedOutHoldTheSamePages(@ForAll @IntRange(min = 1, max = 5_000) int pageCount,
                                        @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 4_999) Integer> pages) {
        DirtyBitmap bitmap = new DirtyBitmap(pageCount);
        pages.stream().filter(p -> p < pageCount).forEach(bitmap::set);
        long[] words = new long[bitmap.wordCount()];
        bitmap.copyWords(0, words);
        for (int p = 0; p < pageCount; p++) {
            assertThat((words[p >>> 6] & (1L << p)) != 0).as("page %d", p).isEqualTo(bitmap.get(p));
        }
    }
}
