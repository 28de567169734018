package io.livemig.migrator.migration;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.PageDigests;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.ProtocolException;
import io.livemig.workloads.Workloads;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The destination's side of the switch: the source's maps become the guest's missing pages, checked against the count announced. */
class PostcopyArrivalTest {
    private static final long MIB = 1 << 20;

    @Property(tries = 30)
    void theMapsOfABitmapMakeExactlyItsPagesMissing(@ForAll @Size(max = 50) Set<@IntRange(min = 0, max = 1_023) Integer> pages) {
        try (VirtualMachine vm = VirtualMachine.incoming("arriving", new GuestConfig(4 * MIB, 1), Workloads.parse("idle"))) {
            DirtyBitmap sent = new DirtyBitmap(vm.memory().pageCount());
            pages.forEach(sent::set);
            PostcopyArrival arrival = new PostcopyArrival(vm.memory().pageCount());
            List<MissingMap> maps = MissingMaps.of(sent);
            assertThat(maps).hasSize(sent.isEmpty() ? 0 : 1);
            maps.forEach(arrival::map);
            PostcopyStart start = new PostcopyStart(1, sent.cardinality(), 1000);

            PostcopyArrival.Ready started = arrival.ready(start, vm, vm.saveVcpuStates(), new PageDigests(vm.memory()));

            arrival.checkCount(start);
            assertThat(started.missing().remainingPages()).isEqualTo(sent.cardinality());
            for (long p = 0; p < vm.memory().pageCount(); p++) {
                assertThat(started.missing().isPresent(p)).as("page %d", p).isEqualTo(!sent.get(p));
            }
            started.missing().abandon("the test is over");
        }
    }

    @Test
    void aCountThatDiffersFromTheMapsIsAProtocolError() {
        try (VirtualMachine vm = VirtualMachine.incoming("miscounted", new GuestConfig(4 * MIB, 1), Workloads.parse("idle"))) {
            DirtyBitmap sent = new DirtyBitmap(vm.memory().pageCount());
            sent.set(3);
            sent.set(700);
            PostcopyArrival arrival = new PostcopyArrival(vm.memory().pageCount());
            MissingMaps.of(sent).forEach(arrival::map);
            PostcopyStart start = new PostcopyStart(1, 3, 1000);
            PostcopyArrival.Ready started = arrival.ready(start, vm, vm.saveVcpuStates(), new PageDigests(vm.memory()));

            assertThatThrownBy(() -> arrival.checkCount(start)).isInstanceOf(ProtocolException.class)
                    .hasMessage("POSTCOPY_START announces 3 missing pages, the maps mark 2");
            started.missing().abandon("the test is over");
        }
    }

    @Test
    void mapsPastTheGuestOrSentTwiceAreProtocolErrors() {
        PostcopyArrival arrival = new PostcopyArrival(100);
        assertThatThrownBy(() -> arrival.map(new MissingMap(64, new long[] {1L << 40})))
                .as("a map must start where a chunk starts").isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> arrival.map(new MissingMap(0, new long[] {0, 0, 1})))
                .as("words past the guest").isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> arrival.map(new MissingMap(0, new long[] {0, 1L << 36})))
                .as("page 100 of a guest of 100").isInstanceOf(ProtocolException.class).hasMessageContaining("past the guest's 100");
        arrival.map(new MissingMap(0, new long[] {1, 1L << 35}));
        assertThatThrownBy(() -> arrival.map(new MissingMap(0, new long[] {2, 0}))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("sent twice");
    }

    @Test
    void aWholeGibOfMissingPagesIsOneMapOf32KiB() {
        DirtyBitmap all = new DirtyBitmap(262_144);
        all.setAll();
        List<MissingMap> maps = MissingMaps.of(all);
        assertThat(maps).hasSize(1);
        assertThat(maps.get(0).wordCount()).isEqualTo(4096);
        assertThat(maps.get(0).missingPages()).isEqualTo(262_144);
    }
}
