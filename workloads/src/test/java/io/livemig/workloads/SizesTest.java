package io.livemig.workloads;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    @Test
    void parsesSizesWithSuffixes() {
        assertThat(Sizes.parseSize("4096")).isEqualTo(4096);
        assertThat(Sizes.parseSize("4k")).isEqualTo(4096);
        assertThat(Sizes.parseSize("512m")).isEqualTo(512L << 20);
        assertThat(Sizes.parseSize("1G")).isEqualTo(1L << 30);
        assertThat(Sizes.parseSize("2t")).isEqualTo(2L << 40);
        assertThat(Sizes.parseRate("300m")).isEqualTo(300L << 20);
        assertThat(Sizes.parseRate("100m/s")).isEqualTo(100L << 20);
    }

    @Test
    void parsesDurations() {
        assertThat(Sizes.parseDurationMicros("250us")).isEqualTo(250);
        assertThat(Sizes.parseDurationMicros("30ms")).isEqualTo(30_000);
        assertThat(Sizes.parseDurationMicros("5s")).isEqualTo(5_000_000);
        assertThat(Sizes.parseDurationMicros("0")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-1", "-4k", "abc", "4x", "k", "1.5m", "4 k k", "0x10"})
    void refusesGarbageAndNegatives(String text) {
        assertThatThrownBy(() -> Sizes.parseSize(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad size")
                .hasMessageContaining("e.g. 512m")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "99999999999999999999", "8388608t", "9000000000g"})
    void refusesOverflow(String text) {
        assertThatThrownBy(() -> Sizes.parseSize(text)).hasMessageContaining("too large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "-5ms", "ms", "1.5s", "9223372036854775807s"})
    void refusesBadDurations(String text) {
        assertThatThrownBy(() -> Sizes.parseDurationMicros(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad duration");
    }

    @Test
    void formatsForPeople() {
        assertThat(Sizes.human(512L << 20)).isEqualTo("512 MiB");
        assertThat(Sizes.human(1536L << 20)).isEqualTo("1.5 GiB");
        assertThat(Sizes.human(100)).isEqualTo("100 bytes");
    }

    @Property
    void formatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bytes) {
        assertThat(Sizes.parseSize(Sizes.formatSize(bytes))).isEqualTo(bytes);
    }

    @Property
    void suffixesScaleExactly(@ForAll @LongRange(min = 0, max = 1L << 20) long n) {
        assertThat(Sizes.parseSize(n + "k")).isEqualTo(n << 10);
        assertThat(Sizes.parseSize(n + "m")).isEqualTo(n << 20);
        assertThat(Sizes.parseSize(n + "g")).isEqualTo(n << 30);
    }
}
