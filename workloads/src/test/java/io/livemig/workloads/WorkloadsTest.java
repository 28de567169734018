package io.livemig.workloads;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadsTest {
    @Test
    void canonicalSpecsListEveryKeyWithDefaults() {
        assertThat(Workloads.parse("memwrite").spec()).isEqualTo("memwrite:wss=256m,rate=max,pattern=random,seed=1");
        assertThat(Workloads.parse("memwrite:wss=512m,rate=300m,pattern=random").spec())
                .isEqualTo("memwrite:wss=512m,rate=300m,pattern=random,seed=1");
        assertThat(Workloads.parse("hotcold").spec()).isEqualTo("hotcold:wss=256m,theta=0.99,seed=1");
        assertThat(Workloads.parse("kvstore").spec()).isEqualTo("kvstore:records=100000,value=100,seed=1");
        assertThat(Workloads.parse("stencil").spec()).isEqualTo("stencil:n=1024,alpha=0.2,seed=1");
        assertThat(Workloads.parse("idle").spec()).isEqualTo("idle:tick=1000us,seed=1");
        assertThat(Workloads.parse("idle:tick=5ms").spec()).isEqualTo("idle:tick=5000us,seed=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"idle", "memwrite", "hotcold", "kvstore", "stencil",
            "memwrite:pattern=sequential,rate=1m,seed=9,wss=3000", "hotcold:theta=0,wss=1g", "kvstore:value=13,records=7",
            "stencil:n=3,alpha=0.25", "idle:tick=0", " memwrite:wss=4k "})
    void canonicalSpecRecreatesTheSameProgram(String spec) {
        String canonical = Workloads.parse(spec).spec();
        assertThat(Workloads.parse(canonical).spec()).isEqualTo(canonical);
    }

    @Test
    void refusesUnknownNamesListingKnownOnes() {
        assertThatThrownBy(() -> Workloads.parse("foo"))
                .hasMessage("unknown workload 'foo'; known: idle, memwrite, hotcold, kvstore, stencil");
    }

    @Test
    void refusesUnknownKeysListingAcceptedOnes() {
        assertThatThrownBy(() -> Workloads.parse("memwrite:x=1"))
                .hasMessage("unknown key 'x' for memwrite; accepted: wss, rate, pattern, seed, fill");
        assertThatThrownBy(() -> Workloads.parse("stencil:wss=1m"))
                .hasMessage("unknown key 'wss' for stencil; accepted: n, alpha, seed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memwrite:wss=-1", "memwrite:wss=lots", "memwrite:rate=0", "memwrite:pattern=zigzag",
            "hotcold:theta=1", "hotcold:theta=-0.1", "hotcold:theta=x", "kvstore:records=0", "kvstore:value=4",
            "stencil:n=1", "stencil:alpha=0.3", "idle:tick=5", "idle:tick=2s", "memwrite:seed=-3",
            "memwrite:wss=1m,wss=2m", "memwrite:", "memwrite:wss", "memwrite:wss=", ":wss=1m", "MEMWRITE", "memwrite:wss=1m:x"})
    void refusesBadSpecsWithOneLine(String spec) {
        assertThatThrownBy(() -> Workloads.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
    }

    @Test
    void badValueMessagesSayWhatIsAccepted() {
        assertThatThrownBy(() -> Workloads.parse("memwrite:pattern=zigzag"))
                .hasMessage("bad value 'zigzag' for memwrite key 'pattern': accepted: random, sequential");
        assertThatThrownBy(() -> Workloads.parse("memwrite:wss=lots"))
                .hasMessageStartingWith("bad value for memwrite key 'wss': bad size 'lots'");
    }

    @Test
    void refusesAWorkingSetThatDoesNotFit() {
        Workload w = Workloads.parse("memwrite:wss=512m");
        assertThatThrownBy(() -> Workloads.checkFits(w, new GuestConfig(256L << 20, 1)))
                .hasMessageStartingWith("memwrite wss 512 MiB does not fit in 256 MiB guest");
        assertThatThrownBy(() -> VirtualMachine.boot("t", new GuestConfig(4L << 20, 1), Workloads.parse("memwrite:wss=8m")))
                .hasMessageStartingWith("memwrite wss 8 MiB does not fit in 4 MiB guest");
        assertThatThrownBy(() -> Workloads.checkFits(Workloads.parse("stencil:n=2048"), new GuestConfig(32L << 20, 1)))
                .hasMessageStartingWith("stencil grid 2048 x 2048 in two buffers (64 MiB) does not fit in 32 MiB guest");
        assertThatThrownBy(() -> Workloads.checkFits(Workloads.parse("memwrite:wss=4k"), new GuestConfig(4L << 20, 2)))
                .hasMessageContaining("fewer than one 4096-byte page for each of 2 vCPUs");
        Workloads.checkFits(Workloads.parse("memwrite:wss=4m"), new GuestConfig(8L << 20, 2));
        assertThat(Workloads.requiredBytes(Workloads.parse("memwrite:wss=4m"), new GuestConfig(8L << 20, 2)))
                .isEqualTo((4L << 20) + 2 * 4096);
    }

    @Property(tries = 200)
    void everyGeneratedGoodSpecParsesAndRoundTrips(@ForAll("goodSpecs") String spec) {
        String canonical = Workloads.parse(spec).spec();
        assertThat(Workloads.parse(canonical).spec()).isEqualTo(canonical);
    }

    @Property(tries = 200)
    void garbageIsRefusedWithIllegalArgumentOnly(@ForAll String spec) {
        try {
            Workloads.parse(spec);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @Provide
    Arbitrary<String> goodSpecs() {
        Arbitrary<String> size = net.jqwik.api.Combinators.combine(Arbitraries.longs().between(1, 4096), Arbitraries.of("", "k", "m"))
                .as((n, suffix) -> n + suffix);
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1, 1 << 20).map(n -> "memwrite:wss=" + n + "k,rate=" + n + "m"),
                size.map(s -> "hotcold:wss=" + s),
                Arbitraries.doubles().between(0, 0.999).ofScale(3).map(t -> "hotcold:theta=" + t),
                Arbitraries.longs().between(1, 1_000_000).map(r -> "kvstore:records=" + r + ",value=" + (8 + r % 100)),
                Arbitraries.longs().between(2, 4096).map(n -> "stencil:n=" + n + ",seed=" + n),
                Arbitraries.longs().between(0, 1000).map(t -> "idle:tick=" + t + "us"));
    }
}
