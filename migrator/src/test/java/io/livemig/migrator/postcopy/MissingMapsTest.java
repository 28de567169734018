package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A bitmap as maps for the wire: the same maps whether their arrays are made fresh or ahead and refilled. */
class MissingMapsTest {
    private static final long PAGES = 3 * 64 * MissingMap.MAX_WORDS - 100; // three chunks, the last one short

    @Property(tries = 30)
    void arraysMadeAheadGiveTheMapsOfEachBitmapTheyAreFilledFrom(
            @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = (int) PAGES - 1) Integer> first,
            @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = (int) PAGES - 1) Integer> second) {
        long[][] arrays = MissingMaps.arraysFor(PAGES);
        for (Set<Integer> pages : List.of(first, second)) {
            DirtyBitmap bitmap = new DirtyBitmap(PAGES);
            pages.forEach(bitmap::set);
            List<MissingMap> ahead = MissingMaps.of(bitmap, arrays);
            List<MissingMap> fresh = MissingMaps.of(bitmap);
            assertThat(ahead).hasSameSizeAs(fresh).hasSize(bitmap.isEmpty() ? 0 : 3);
            for (int i = 0; i < fresh.size(); i++) {
                assertThat(ahead.get(i).firstPage()).isEqualTo(fresh.get(i).firstPage());
                assertThat(ahead.get(i).words()).isEqualTo(fresh.get(i).words());
            }
        }
    }
}
