package io.livemig.workloads;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RatePacerTest {
    static final int PAGE = 4096;
    /** 4 MiB/s over one vCPU of 4 KiB pages: 1024 touches per CPU-second, a check every 102.4 touches. */
    static final long RATE = 4L << 20;

    final AtomicLong cpu = new AtomicLong(1_000_000_000L);
    final RatePacer pacer = new RatePacer(RATE, cpu::get);

    @Test
    void aVcpuTooFastForItsRateSpinsMoreAndOneTooSlowSpinsLess() {
        pacer.paced(0, 0, 1000, PAGE, 1); // the reference point
        cpu.addAndGet(60_000_000L); // 103 touches in 60 ms: 1.68x the rate
        assertThat(pacer.paced(0, 103, 1000, PAGE, 1)).isEqualTo(Math.round(1000 * 103 / 0.060 / 1024));

        cpu.addAndGet(150_000_000L); // 103 touches in 150 ms: two thirds of it
        assertThat(pacer.paced(0, 206, 2000, PAGE, 1)).isEqualTo(Math.round(2000 * 103 / 0.150 / 1024));
    }

    @Test
    void aVcpuAtItsRateKeepsItsSpins() {
        pacer.paced(0, 0, 1000, PAGE, 1);
        cpu.addAndGet(200_000_000L);
        assertThat(pacer.paced(0, 204, 1000, PAGE, 1)).isBetween(995L, 1000L);
    }

    @Test
    void checksFirstAfterAHundredthOfASecondsTouchesThenAfterATenth() {
        pacer.paced(0, 0, 1000, PAGE, 1);
        cpu.addAndGet(10_000_000L);
        assertThat(pacer.paced(0, 10, 1000, PAGE, 1)).as("10 touches: before the first check").isEqualTo(1000);
        assertThat(pacer.paced(0, 11, 1000, PAGE, 1)).as("11 touches in 10 ms: 1.07x the rate").isEqualTo(1074);
        cpu.addAndGet(10_000_000L);
        assertThat(pacer.paced(0, 50, 1074, PAGE, 1)).as("before the second check").isEqualTo(1074);
    }

    @Test
    void movesAtMostAFactorOfTwoAtOnce() {
        pacer.paced(0, 0, 1000, PAGE, 1);
        cpu.addAndGet(1_000_000L);
        assertThat(pacer.paced(0, 103, 1000, PAGE, 1)).as("100x too fast, doubled only").isEqualTo(2000);
        cpu.addAndGet(10_000_000_000L);
        assertThat(pacer.paced(0, 206, 1000, PAGE, 1)).as("100x too slow, halved only").isEqualTo(500);
    }

    @Test
    void twoVcpusShareTheRate() {
        pacer.paced(1, 0, 1000, PAGE, 2); // 512 touches per CPU-second each
        cpu.addAndGet(100_000_000L);
        assertThat(pacer.paced(1, 52, 1000, PAGE, 2)).isBetween(1000L, 1020L);
    }

    @Test
    void anotherVcpuOnTheThreadOrTouchesGoingBackStartAfresh() {
        pacer.paced(0, 1000, 1000, PAGE, 1);
        cpu.addAndGet(1_000_000L);
        assertThat(pacer.paced(1, 2000, 1000, PAGE, 1)).as("another vCPU: a new reference").isEqualTo(1000);
        assertThat(pacer.paced(1, 10, 1000, PAGE, 1)).as("fewer touches than the reference").isEqualTo(1000);
        cpu.addAndGet(100_000_000L);
        assertThat(pacer.paced(1, 112, 1000, PAGE, 1)).as("paced from the new reference").isBetween(990L, 1000L);
    }

    @Test
    void aClockThatDidNotAdvanceChangesNothing() {
        pacer.paced(0, 0, 1000, PAGE, 1);
        assertThat(pacer.paced(0, 500, 1000, PAGE, 1)).isEqualTo(1000);
    }
}
