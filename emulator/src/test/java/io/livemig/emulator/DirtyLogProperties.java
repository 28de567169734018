package io.livemig.emulator;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The dirty log and its bitmap against a naive oracle: a sorted set of pages. */
class DirtyLogProperties {

    @Property(tries = 300)
    void syncReturnsExactlyThePagesMarkedSinceTheLastSync(
            @ForAll @IntRange(min = 1, max = 3000) int pageCount,
            @ForAll @Size(max = 6) List<@Size(max = 200) List<@IntRange(min = 0, max = 1_000_000) Integer>> rounds) {
        DirtyLog log = new DirtyLog(pageCount);
        DirtyBitmap bitmap = new DirtyBitmap(pageCount);
        for (List<Integer> round : rounds) {
            TreeSet<Long> oracle = new TreeSet<>();
            for (int raw : round) {
                long page = raw % pageCount;
                log.mark(page);
                oracle.add(page);
            }
            assertThat(log.countDirty()).isEqualTo(oracle.size());
            long count = log.syncAndClear(bitmap);
            assertThat(count).isEqualTo(oracle.size());
            assertThat(bitmap.cardinality()).isEqualTo(oracle.size());
            assertThat(pages(bitmap)).containsExactlyElementsOf(oracle);
            assertThat(log.countDirty()).isZero();
        }
    }

    @Property(tries = 200)
    void syncAndAddKeepsThePagesAlreadyThereAndAddsTheMarkedOnes(
            @ForAll @IntRange(min = 1, max = 3000) int pageCount,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 1_000_000) Integer> before,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 1_000_000) Integer> marked) {
        DirtyLog log = new DirtyLog(pageCount);
        DirtyBitmap bitmap = new DirtyBitmap(pageCount);
        TreeSet<Long> oracle = new TreeSet<>();
        for (int raw : before) {
            bitmap.set(raw % pageCount);
            oracle.add((long) (raw % pageCount));
        }
        for (int raw : marked) {
            log.mark(raw % pageCount);
            oracle.add((long) (raw % pageCount));
        }
        assertThat(log.syncAndAdd(bitmap)).isEqualTo(oracle.size());
        assertThat(pages(bitmap)).containsExactlyElementsOf(oracle);
    }

    @Property(tries = 500)
    void nonZeroBytesHasABitForEachByteThatIsNotZero(@ForAll long word) {
        long expected = 0;
        for (int i = 0; i < 8; i++) if (((word >>> (8 * i)) & 0xFF) != 0) expected |= 1L << i;
        assertThat(DirtyLog.nonZeroBytes(word)).isEqualTo(expected);
    }

    @Property(tries = 200)
    void nextSetPageVisitsSetPagesInOrder(
            @ForAll @IntRange(min = 1, max = 5000) int pageCount,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 1_000_000) Integer> marks) {
        DirtyBitmap bitmap = new DirtyBitmap(pageCount);
        TreeSet<Long> oracle = new TreeSet<>();
        for (int raw : marks) {
            bitmap.set(raw % pageCount);
            oracle.add((long) (raw % pageCount));
        }
        assertThat(pages(bitmap)).containsExactlyElementsOf(oracle);
        bitmap.setAll();
        assertThat(bitmap.cardinality()).isEqualTo(pageCount);
        assertThat(pages(bitmap)).hasSize(pageCount);
    }

    @Property(tries = 50)
    void disabledLogRecordsNothingAndEnableStartsFresh(@ForAll @IntRange(min = 1, max = 500) int pageCount) {
        DirtyLog log = new DirtyLog(pageCount);
        log.mark(0);
        log.disable();
        log.mark(pageCount - 1);
        assertThat(log.countDirty()).isEqualTo(1);
        log.enable();
        assertThat(log.countDirty()).isZero();
        log.mark(pageCount - 1);
        assertThat(log.isDirty(pageCount - 1)).isTrue();
    }

    private static List<Long> pages(DirtyBitmap bitmap) {
        java.util.ArrayList<Long> pages = new java.util.ArrayList<>();
        for (long p = bitmap.nextSetPage(0); p >= 0; p = bitmap.nextSetPage(p + 1)) pages.add(p);
        return pages;
    }
}
