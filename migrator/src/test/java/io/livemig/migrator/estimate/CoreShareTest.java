package io.livemig.migrator.estimate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CoreShareTest {
    private static final long MS = 1_000_000L;

    /** Readings every 100 ms: the vCPUs' CPU time and halted time, both cumulative, in ms. */
    private static CoreShare readings(int vcpus, long[] cpuMs, long[] haltedMs) {
        long[] wall = new long[cpuMs.length];
        long[] cpu = new long[cpuMs.length];
        long[] halted = new long[cpuMs.length];
        for (int i = 0; i < cpuMs.length; i++) {
            wall[i] = i * 100 * MS;
            cpu[i] = cpuMs[i] * MS;
            halted[i] = haltedMs[i] * MS;
        }
        return CoreShare.of(vcpus, wall, cpu, halted);
    }

    @Test
    void aMomentOfCompetitionDoesNotCountAgainstTheHost() {
        // A compile storm took half a core in the first slice; the vCPU had a whole core after it.
        CoreShare share = readings(1, new long[]{0, 50, 150, 250, 350}, new long[]{0, 0, 0, 0, 0});

        assertThat(share.cpuShare()).isEqualTo(1.0);
        assertThat(share.hostShare()).isEqualTo(1.0);
    }

    @Test
    void aBusyHostShowsInEverySlice() {
        CoreShare share = readings(1, new long[]{0, 60, 120, 180, 240}, new long[]{0, 0, 0, 0, 0});

        assertThat(share.cpuShare()).isCloseTo(0.6, within(1e-9));
        assertThat(share.hostShare()).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void aGuestThatHaltsHalfTheTimeGetsHalfACoreOnAFreeHost() {
        CoreShare share = readings(1, new long[]{0, 50, 100, 150, 200}, new long[]{0, 50, 100, 150, 200});

        assertThat(share.cpuShare()).isCloseTo(0.5, within(1e-9));
        assertThat(share.hostShare()).isEqualTo(1.0);
    }

    @Test
    void aHaltingGuestKeepsItsIdleTimeWhileTheBestSliceJudgesTheHost() {
        // Halted a quarter of the time; of the rest it got 2/3 at first, then all of it.
        CoreShare share = readings(1, new long[]{0, 50, 125, 200, 275}, new long[]{0, 25, 50, 75, 100});

        assertThat(share.hostShare()).isEqualTo(1.0);
        assertThat(share.cpuShare()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void twoVcpusShareTheirSlicesCores() {
        CoreShare share = readings(2, new long[]{0, 100, 300, 500, 700}, new long[]{0, 0, 0, 0, 0});

        assertThat(share.cpuShare()).isEqualTo(1.0);
        assertThat(share.hostShare()).isEqualTo(1.0);
    }

    @Test
    void anIdleGuestSaysNothingOfTheHost() {
        // 4 ms of CPU in 400 ms, halted the rest: too little time wanting a core to judge by.
        CoreShare share = readings(1, new long[]{0, 1, 2, 3, 4}, new long[]{0, 99, 198, 297, 396});

        assertThat(share.hostShare()).isEqualTo(1.0);
        assertThat(share.cpuShare()).isCloseTo(0.01, within(1e-9));
    }

    @Test
    void theHostShareLeavesOutTheTimeHaltedAndTrustsOnlyEnoughTimeWantingACore() {
        // 0.5 s of CPU in 1 s of wanting a core: a busy host, whatever the guest did besides.
        assertThat(CoreShare.hostShare(500_000_000L, 1e9)).isEqualTo(0.5);
        assertThat(CoreShare.hostShare(990_000_000L, 1e9)).isEqualTo(0.99);
        // Halted all but 5 ms: too little to judge the host by.
        assertThat(CoreShare.hostShare(1_000_000L, 5e6)).isEqualTo(1.0);
    }
}
