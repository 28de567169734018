package io.livemig.migrator.estimate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CopyLoadTest {
    private static final double MIB = 1 << 20;

    @Test
    void anUnlimitedLoopbackLinkOnTwoCoresLeavesAOneVcpuGuestTwoThirdsOfACore() {
        // The vCPU, the sender and the receiver all run flat out: three threads on two cores.
        CopyLoad loopback = CopyLoad.of(600 * MIB, true, true, 2);

        assertThat(loopback.copyCores()).isEqualTo(2);
        assertThat(loopback.guestShare(1, 1, 100)).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void cappedVcpusWantLessSoBesideAnUnlimitedStreamEachGetsAllItsCapAllows() {
        CopyLoad loopback = CopyLoad.of(600 * MIB, true, true, 2);

        // Two vCPUs at 10 % want 0.2 of a core: with both ends of the stream, 2.2 cores on 2.
        assertThat(loopback.guestShare(1, 2, 10)).isCloseTo(2 / 2.2, within(1e-9));
        assertThat(loopback.guestShare(1, 2, 100)).isCloseTo(0.5, within(1e-9));
        // Paused vCPUs want nothing; what they would get is what they got before.
        assertThat(loopback.guestShare(0.9, 1, 0)).isEqualTo(0.9);
    }

    @Test
    void aSlowLimitedLinkTakesNothingFromTheGuest() {
        // 32 MiB/s keeps each end's thread busy 5 % of the time: the cores are not oversubscribed.
        CopyLoad limited = CopyLoad.of(32 * MIB, false, true, 2);

        assertThat(limited.copyCores()).isCloseTo(2 * 32 / 600.0, within(1e-9));
        assertThat(limited.guestShare(1, 1, 100)).isEqualTo(1);
        assertThat(limited.guestShare(0.7, 1, 100)).isEqualTo(0.7);
    }

    @Test
    void withTheGuestPausedOrCappedAStreamTheCpuPacesGetsTheCoresItLackedBesideIt() {
        CopyLoad loopback = CopyLoad.of(600 * MIB, true, true, 2);

        // Measured beside one busy vCPU: three threads on two cores gave the stream 2/3 of what it wants.
        assertThat(loopback.rateScale(1, 1)).isEqualTo(1);
        assertThat(loopback.rateScale(0, 1)).isCloseTo(1.5, within(1e-9));
        assertThat(loopback.rateScale(0.5, 1)).isCloseTo((2 / 2.5) / (2.0 / 3), within(1e-9));
        // Two busy vCPUs: four cores wanted on two; paused, the stream runs twice as fast.
        assertThat(loopback.rateScale(0, 2)).isCloseTo(2, within(1e-9));
    }

    @Test
    void aStreamARateLimitHoldsKeepsItsRateWhateverTheGuestDoes() {
        assertThat(CopyLoad.of(128 * MIB, false, true, 2).rateScale(0, 2)).isEqualTo(1);
        assertThat(CopyLoad.NONE.rateScale(0, 1)).isEqualTo(1);
    }

    @Test
    void round0OfAStreamTheCpuPacesRunsAtAShareOfItsRateAndALimitedStreamAtItsLimit() {
        assertThat(CopyLoad.of(600 * MIB, true, true, 2).firstRoundScale()).isEqualTo(CopyLoad.FIRST_ROUND_RATE_SHARE);
        assertThat(CopyLoad.of(600 * MIB, true, false, 2).firstRoundScale()).isEqualTo(CopyLoad.FIRST_ROUND_RATE_SHARE);
        assertThat(CopyLoad.of(128 * MIB, false, true, 2).firstRoundScale()).isEqualTo(1);
        assertThat(CopyLoad.NONE.firstRoundScale()).isEqualTo(1);
    }

    @Test
    void aProbedStreamTheCpuPacesRunsAtItsMeasuredShareOfTheProbeAndALimitedOneAtWhatWasMeasured() {
        assertThat(CopyLoad.of(600 * MIB, true, true, 2).warmRate(600 * MIB)).isEqualTo(600 * MIB * CopyLoad.WARM_OVER_PROBE);
        assertThat(CopyLoad.of(600 * MIB, true, false, 2).warmRate(600 * MIB)).isEqualTo(600 * MIB * CopyLoad.WARM_OVER_PROBE);
        assertThat(CopyLoad.of(128 * MIB, false, true, 2).warmRate(128 * MIB)).isEqualTo(128 * MIB);
    }

    @Test
    void aDestinationOnAnotherHostLeavesOnlyTheSenderHere() {
        CopyLoad remote = CopyLoad.of(600 * MIB, true, false, 2);

        assertThat(remote.copyCores()).isEqualTo(1);
        assertThat(remote.guestShare(1, 1, 100)).isEqualTo(1);
        assertThat(remote.guestShare(1, 2, 100)).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void theSetupLoadsTheHostAsAStreamRunningFlatOutWhateverTheLinksLimit() {
        // The destination touching the guest's memory, and both JVMs compiling: measured, the guest lost 40 % of its pace.
        CopyLoad limited = CopyLoad.of(32 * MIB, false, true, 2);

        assertThat(limited.guestShare(1, 1, 100)).isEqualTo(1);
        assertThat(limited.setupGuestShare(1, 1)).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(limited.setupGuestShare(1, 2)).isCloseTo(0.5, within(1e-9));
        assertThat(CopyLoad.NONE.setupGuestShare(1, 1)).isEqualTo(1);
    }
}
