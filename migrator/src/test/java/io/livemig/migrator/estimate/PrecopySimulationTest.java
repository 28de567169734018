package io.livemig.migrator.estimate;

import io.livemig.emulator.CpuScheduler;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.RoundFigures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.livemig.migrator.estimate.Scenarios.MIB;
import static io.livemig.migrator.estimate.Scenarios.NO_OVERHEADS;
import static io.livemig.migrator.estimate.Scenarios.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PrecopySimulationTest {
    /** 256 MiB, 16 MiB of data, dirtying 20 000 pages per CPU second: round 0 takes about half a second at 32 MiB/s. */
    private static final GuestProfile GUEST = new GuestProfile(256 * MIB, PAGE, 1, 16 * MIB / PAGE, 0,
            DirtyCurve.linear(20_000, 256 * MIB / PAGE), 1.0, 0, 8e9);

    /** Sets {@code capPct} after round 0 (or nothing, at 100 %) and keeps what it was told. */
    private static final class CapAfterRound0 implements ConvergencePolicy {
        final List<RoundFigures> seen = new ArrayList<>();
        final double capPct;

        CapAfterRound0(double capPct) { this.capPct = capPct; }

        @Override public String name() { return "cap-after-round-0"; }

        @Override public void afterRound(RoundFigures round, CpuScheduler scheduler) {
            seen.add(round);
            if (round.round() == 0 && capPct < 100) scheduler.setCapAll(capPct);
        }
    }

    private static PrecopyCourse run(ConvergencePolicy policy) {
        return new PrecopySimulation(GUEST, Scenarios.link(32), NO_OVERHEADS, Scenarios.options(32, 300), StreamPace.STEADY)
                .run(policy, HybridSwitchModel.NEVER);
    }

    @Test
    void round0OfALinkTheCpuPacesRunsColdAndTheRoundsAfterItAtTheProbedRate() {
        // 64 MiB of data, 64 MiB dirtied a CPU second, over a link of 600 MiB/s: round 0 at the cold share of it.
        GuestProfile guest = new GuestProfile(64 * MIB, PAGE, 1, 64 * MIB / PAGE, 0, DirtyCurve.linear(16384, 64 * MIB / PAGE), 1.0, 0, 8e9);
        LinkProfile probed = new LinkProfile(600 * MIB, 0, "probe", CopyLoad.of(600 * MIB, true, false, 4));
        LinkProfile limited = new LinkProfile(600 * MIB, 0, "--bandwidth", CopyLoad.of(600 * MIB, false, false, 4));

        PrecopyCourse cold = new PrecopySimulation(guest, probed, NO_OVERHEADS, Scenarios.options(0, 1), StreamPace.STEADY)
                .run(new CapAfterRound0(100), HybridSwitchModel.NEVER);
        PrecopyCourse held = new PrecopySimulation(guest, limited, NO_OVERHEADS, Scenarios.options(600, 1), StreamPace.STEADY)
                .run(new CapAfterRound0(100), HybridSwitchModel.NEVER);

        assertThat(cold.rounds().get(0).durationNanos() / 1e6).isCloseTo(64 * 1000 / (600 * CopyLoad.FIRST_ROUND_RATE_SHARE), within(0.01));
        assertThat(held.rounds().get(0).durationNanos() / 1e6).isCloseTo(64 * 1000 / 600.0, within(0.01));
        assertThat(cold.rounds()).hasSizeGreaterThan(1);
        assertThat(cold.rounds().get(1).durationNanos()).isCloseTo(cold.rounds().get(1).bytes() / (600 * MIB) * 1e9, within(1e3));
    }

    @Test
    void vcpusCappedLowBesideAnUnlimitedStreamRunAllTheirCapAllows() {
        // Two vCPUs and both ends of a stream running flat out on two cores: half a core each uncapped,
        // but at 10 % they want 0.2 of a core, and 2.2 cores on 2 leaves each 10 % x 2 / 2.2 of the wall.
        GuestProfile twoVcpus = new GuestProfile(256 * MIB, PAGE, 2, 256 * MIB / PAGE, 0,
                DirtyCurve.linear(1_000_000, 256 * MIB / PAGE), 1.0, 0, 8e9);
        LinkProfile loopback = new LinkProfile(600 * MIB, 0, "probe", CopyLoad.of(600 * MIB, true, true, 2));

        PrecopyCourse course = new PrecopySimulation(twoVcpus, loopback, NO_OVERHEADS, Scenarios.options(0, 1), StreamPace.STEADY)
                .run(new CapAfterRound0(10), HybridSwitchModel.NEVER);

        PrecopyCourse.SimulatedRound capped = course.rounds().get(1);
        double cpuSeconds = capped.durationNanos() / 1e9 * 0.10 * 2 / 2.2;
        assertThat(capped.dirtyPages()).isCloseTo(1_000_000 * cpuSeconds, within(1.0));
    }

    @Test
    void thePolicyIsToldWhatTheGuestDirtiedWhileItDecided() {
        CapAfterRound0 policy = new CapAfterRound0(100);
        run(policy);
        // 1.4 ms at full speed after round 0: 28 pages.
        assertThat(policy.seen.get(0).dirtyPagesSinceSync()).isEqualTo(28);
    }

    @Test
    void aNewThrottleTakesThePagesDirtiedBeforeItAppliedIntoTheNextRound() {
        PrecopyCourse capped = run(new CapAfterRound0(50));
        PrecopyCourse uncapped = run(new CapAfterRound0(100));

        double dirtiedInRound0 = capped.rounds().get(0).dirtyPages();
        assertThat(capped.rounds().get(1).pages()).isCloseTo(dirtiedInRound0 + 28, within(1.0));
        assertThat(uncapped.rounds().get(1).pages()).isEqualTo(uncapped.rounds().get(0).dirtyPages());
    }

    @Test
    void theSetupCostsTheGuestWhatTheDestinationAndTheCompilersTakeOfTheHost() {
        Overheads setupOnly = NO_OVERHEADS.withSetupNanos(600_000_000L);
        LinkProfile loopback = new LinkProfile(32 * MIB, 0, "--bandwidth", CopyLoad.of(32 * MIB, false, true, 2));
        LinkProfile remote = new LinkProfile(32 * MIB, 0, "--bandwidth", CopyLoad.of(32 * MIB, false, false, 2));

        // One vCPU beside two busy threads on two cores: a third of the setup's 600 ms, whatever the link's limit.
        double here = loopback.copyLoad().setupWorkLostNanos(setupOnly.setupNanos(), GUEST);
        double elsewhere = remote.copyLoad().setupWorkLostNanos(setupOnly.setupNanos(), GUEST);

        assertThat(here / 1e6).isCloseTo(200, within(0.01));
        assertThat(elsewhere).isZero();
    }
}
