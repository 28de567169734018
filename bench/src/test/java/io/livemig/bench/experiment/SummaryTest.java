package io.livemig.bench.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SummaryTest {
    @Test
    void medianMinAndMaxOfRepetitions() {
        Summary s = Summary.of(List.of(1573.0, 1517.0, 1614.0));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.median()).isCloseTo(1573.0, within(0.5));
        assertThat(s.min()).isCloseTo(1517.0, within(0.5));
        assertThat(s.max()).isCloseTo(1614.0, within(0.5));
        assertThat(s.format("%.0f")).isEqualTo("1573 (1517–1614)");
    }

    @Test
    void anEvenCountTakesTheLowerMiddleValue() {
        assertThat(Summary.median(10, 40, 20, 30)).isCloseTo(20.0, within(0.01));
    }

    @Test
    void zeroesNegativesAndNaNAreHandled() {
        Summary s = Summary.of(List.of(0.0, -1.0, Double.NaN, 0.0));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.median()).isCloseTo(0.0, within(0.001));
        assertThat(s.min()).isCloseTo(-1.0, within(0.001));
        assertThat(Summary.of(List.of(Double.NaN)).format("%.1f")).isEqualTo("–");
    }

    @Test
    void identicalValuesPrintOnce() {
        assertThat(Summary.of(List.of(5.0, 5.0, 5.0)).format("%.0f")).isEqualTo("5");
        assertThat(Summary.of(List.of(0.0, 0.0, 0.0)).format("%.0f")).isEqualTo("0");
    }
}
