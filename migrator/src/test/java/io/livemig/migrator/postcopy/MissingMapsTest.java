package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.ProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MissingMapsTest {

    @Property(tries = 200)
    void aBitmapSentAsChunksArrivesTheSame(@ForAll @IntRange(min = 1, max = 300_000) int pageCount,
                                           @ForAll @Size(max = 50) Set<@IntRange(min = 0, max = 299_999) Integer> pages) {
        DirtyBitmap sent = new DirtyBitmap(pageCount);
        pages.stream().filter(p -> p < pageCount).forEach(sent::set);
        List<MissingMap> chunks = MissingMaps.of(sent);
        DirtyBitmap received = new DirtyBitmap(pageCount);
        long marked = 0;
        for (MissingMap chunk : chunks) marked += MissingMaps.addTo(chunk, received);
        assertThat(marked).isEqualTo(sent.cardinality());
        assertThat(received.cardinality()).isEqualTo(sent.cardinality());
        for (long p = sent.nextSetPage(0); p >= 0; p = sent.nextSetPage(p + 1)) assertThat(received.get(p)).isTrue();
        assertThat(chunks).allSatisfy(c -> assertThat(c.missingPages()).isPositive());
    }

    @Test
    void aWholeGibOfMissingPagesIsOneChunkOf32KiB() {
        DirtyBitmap all = new DirtyBitmap(262_144);
        all.setAll();
        List<MissingMap> chunks = MissingMaps.of(all);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).wordCount()).isEqualTo(4096);
        assertThat(chunks.get(0).missingPages()).isEqualTo(262_144);
    }

    @Test
    void aChunkMarkingPagesPastTheGuestIsAProtocolError() {
        DirtyBitmap guest = new DirtyBitmap(100);
        assertThatThrownBy(() -> MissingMaps.addTo(new MissingMap(64, new long[] {1L << 40}), guest))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("page 104");
        assertThatThrownBy(() -> MissingMaps.addTo(new MissingMap(128, new long[] {1}), guest)).isInstanceOf(ProtocolException.class);
        assertThat(MissingMaps.addTo(new MissingMap(64, new long[] {1L << 35}), guest)).isEqualTo(1);
    }
}
