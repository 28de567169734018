package io.livemig.migrator.estimate;

import org.junit.jupiter.api.Test;

import static io.livemig.migrator.estimate.Scenarios.linearGuest;
import static org.assertj.core.api.Assertions.assertThat;

class LinkMeasureTest {
    private static GuestProfile guestWithShare(double share) {
        GuestProfile g = linearGuest(16, 1);
        return new GuestProfile(g.memoryBytes(), g.pageSize(), g.vcpus(), g.nonZeroPages(), 0, g.dirtyCurve(), share, 0, 8e9);
    }

    @Test
    void onABusyHostTheFixedCostsStretchByTheShareTheGuestGot() {
        LinkMeasure bandwidthOnly = new LinkMeasure(new LinkProfile(32 << 20, 1_000_000, "limit"), false);
        Overheads quarter = bandwidthOnly.overheads(guestWithShare(0.25));

        assertThat(quarter.handoverNanos()).isEqualTo(4 * Overheads.DEFAULTS.handoverNanos());
        assertThat(quarter.setupNanos()).isEqualTo(4 * Overheads.defaultsFor(16 * Scenarios.MIB).setupNanos());
        assertThat(quarter.pageEntryBytes()).isEqualTo(Overheads.DEFAULTS.pageEntryBytes());
        assertThat(bandwidthOnly.onHost(guestWithShare(0.25)).roundTripNanos()).isEqualTo(4_000_000);
        assertThat(bandwidthOnly.overheads(guestWithShare(1)).handoverNanos()).isEqualTo(Overheads.DEFAULTS.handoverNanos());
        // A guest that got next to nothing stretches the costs 20x, no more.
        assertThat(bandwidthOnly.overheads(guestWithShare(0.001)).pauseNanos()).isEqualTo(20 * Overheads.DEFAULTS.pauseNanos());
    }

    @Test
    void aGuestThatHaltsInItsIdleLoopDoesNotStretchTheCosts() {
        GuestProfile g = linearGuest(16, 1);
        GuestProfile idle = new GuestProfile(g.memoryBytes(), g.pageSize(), g.vcpus(), g.nonZeroPages(), 0, g.dirtyCurve(), 0.01, 1.0, 0,
                8e9, 0, 0, 0);
        LinkMeasure bandwidthOnly = new LinkMeasure(new LinkProfile(32 << 20, 1_000_000, "limit"), false);

        assertThat(bandwidthOnly.overheads(idle)).isEqualTo(Overheads.defaultsFor(16 * Scenarios.MIB));
        assertThat(bandwidthOnly.onHost(idle).roundTripNanos()).isEqualTo(1_000_000);
    }

    @Test
    void theSetupGrowsWithTheMemoryTheDestinationTouches() {
        long small = Overheads.defaultsFor(256 * Scenarios.MIB).setupNanos();
        long large = Overheads.defaultsFor(1024 * Scenarios.MIB).setupNanos();

        // Measured on this project's host (December 4, 2026): medians of 624 ms for 256 MiB guests, 1.2 s for 1 GiB ones.
        assertThat(small).isBetween(580_000_000L, 670_000_000L);
        assertThat(large).isBetween(1_100_000_000L, 1_300_000_000L);
        assertThat(Overheads.defaultsFor(128 * Scenarios.MIB)).isEqualTo(Overheads.DEFAULTS);
    }

    @Test
    void aMeasuredRoundTripStaysAsMeasuredOnABusyHost() {
        LinkMeasure probed = new LinkMeasure(new LinkProfile(8 << 20, 3_000_000, "probe"), true);

        assertThat(probed.onHost(guestWithShare(0.25)).roundTripNanos()).isEqualTo(3_000_000);
    }
}
