package io.livemig.migrator.estimate;

import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.stats.StopReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.livemig.migrator.estimate.Scenarios.MIB;
import static io.livemig.migrator.estimate.Scenarios.NO_OVERHEADS;
import static io.livemig.migrator.estimate.Scenarios.PAGE;
import static io.livemig.migrator.estimate.Scenarios.linearGuest;
import static io.livemig.migrator.estimate.Scenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

class MigrationEstimatorTest {
    private static final Candidate NONE = new Candidate("none", Candidate.PRECOPY);

    @Test
    void aGuestDirtyingAQuarterOfTheLinkConvergesInTheRoundsTheGeometricSeriesGives() {
        // 64 MiB at 32 MiB/s: round 0 takes 2 s and leaves 16 MiB, then 4 MiB, then 1 MiB, and
        // 1 MiB / 32 MiB/s = 31 ms is under the 50 ms limit: 3 rounds and the stop-and-copy.
        Prediction none = MigrationEstimator.predict(scenario(linearGuest(64, 8), 32, 50, NO_OVERHEADS),
                new Candidate("none", Candidate.PRECOPY));

        assertThat(none.endedBy()).isEqualTo(StopReason.CONVERGED);
        assertThat(none.rounds()).isEqualTo(4);
        assertThat(none.transferredBytes()).isEqualTo((64 + 16 + 4 + 1) * MIB);
        assertThat(none.downtimeMs()).isCloseTo(1000.0 / 32, within(0.01));
        assertThat(none.totalTimeMs()).isCloseTo((64 + 16 + 4 + 1) * 1000.0 / 32, within(0.01));
        assertThat(none.limitMet()).isTrue();
        assertThat(none.workLostS()).isCloseTo(none.appDowntimeMs() / 1000, within(1e-9));
        assertThat(none.maxThrottlePct()).isZero();
    }

    @Test
    void aSaturatedGuestIsPredictedToMissTheLimitWithoutThrottlingAndToMeetItWithCpuScheduling() {
        // Dirtying twice as fast as the link: pre-copy without help ends at a limit with seconds of downtime.
        MigrationEstimator.Scenario s = scenario(linearGuest(64, 64), 32, 50, NO_OVERHEADS);
        Prediction none = MigrationEstimator.predict(s, new Candidate("none", Candidate.PRECOPY));
        Prediction cpu = MigrationEstimator.predict(s, new Candidate("cpu-scheduling", Candidate.PRECOPY));

        assertThat(none.endedBy()).isIn(StopReason.MAX_ROUNDS, StopReason.MAX_VOLUME);
        assertThat(none.limitMet()).isFalse();
        assertThat(none.downtimeMs()).isGreaterThan(1000);
        assertThat(none.transferredBytes()).isGreaterThanOrEqualTo(3 * 64 * MIB);

        assertThat(cpu.endedBy()).isEqualTo(StopReason.CONVERGED);
        assertThat(cpu.limitMet()).isTrue();
        assertThat(cpu.maxThrottlePct()).isGreaterThan(50);
        assertThat(cpu.workLostS()).isGreaterThan(cpu.appDowntimeMs() / 1000);
    }

    @Test
    void aGuestJustAboveAnUnlimitedLinkConvergesOnceThePageStreamTakesItsShareOfTheCores() {
        // At the link's expected rate in every round (the competition, not the rounds' wander, is the point). Dirtying 700 MiB/s of CPU over a 600 MiB/s link: alone it outruns the link; beside the sender
        // and receiver on two cores it gets 2/3 of a core (467 MiB/s) and converges, losing a third of its work.
        GuestProfile guest = linearGuest(256, 700);
        LinkProfile alone = Scenarios.link(600);
        LinkProfile loopback = new LinkProfile(alone.bytesPerS(), 0, "scripted", CopyLoad.of(alone.bytesPerS(), true, true, 2));
        Candidate none = new Candidate("none", Candidate.PRECOPY);
        Prediction uncontended = MigrationEstimator.predict(new MigrationEstimator.Scenario(guest, alone, NO_OVERHEADS,
                Scenarios.options(0, 300), PolicySettings.defaults()), none);
        Prediction contended = MigrationEstimator.predictAt(new MigrationEstimator.Scenario(guest, loopback, NO_OVERHEADS,
                Scenarios.options(0, 300), PolicySettings.defaults()), none, StreamPace.STEADY);

        assertThat(uncontended.endedBy()).isIn(StopReason.MAX_ROUNDS, StopReason.MAX_VOLUME);
        assertThat(contended.endedBy()).isEqualTo(StopReason.CONVERGED);
        assertThat(contended.rounds()).isLessThan(10);
        assertThat(contended.workLostPct()).isGreaterThan(30);
    }

    @Test
    void theStopAndCopyOfAnUnlimitedLoopbackLinkRunsAtThePausedGuestsRateNotTheProbes() {
        // The probe saw 600 MiB/s beside the running vCPU (three threads on two cores); paused, the
        // sender and receiver have a core each: 900 MiB/s. A 256 MiB writer leaves it all dirty.
        GuestProfile guest = linearGuest(256, 2000);
        LinkProfile loopback = new LinkProfile(600 * MIB, 0, "probe", CopyLoad.of(600 * MIB, true, true, 2));
        Prediction none = MigrationEstimator.predictAt(new MigrationEstimator.Scenario(guest, loopback, NO_OVERHEADS,
                Scenarios.options(0, 300), PolicySettings.defaults()), NONE, StreamPace.STEADY);

        assertThat(none.downtimeMs()).isCloseTo(256 * 1000.0 / 900, within(1.0));
    }

    @Test
    void onALinkNoLimitHoldsTheDowntimeComesWithItsRangeOverTheRatesTheRoundsWanderThrough() {
        // The rounds of an unlimited link move around its rate, run by run and round by round: the
        // prediction is the median course's, and the range the 10th to the 90th percentile of the courses'.
        GuestProfile guest = linearGuest(256, 2000);
        LinkProfile probed = new LinkProfile(600 * MIB, 0, "probe", CopyLoad.of(600 * MIB, true, true, 2));
        Prediction unlimited = MigrationEstimator.predict(new MigrationEstimator.Scenario(guest, probed, NO_OVERHEADS,
                Scenarios.options(0, 300), PolicySettings.defaults()), NONE);
        Prediction limited = MigrationEstimator.predict(scenario(guest, 32, 300, NO_OVERHEADS), NONE);

        // The whole 256 MiB goes in the pause, 284 ms at 900 MiB/s (the paused guest's rate) in the median course.
        assertThat(unlimited.downtimeMs()).isCloseTo(256 * 1000.0 / 900, withinPercentage(10));
        assertThat(unlimited.downtimeLowMs()).isLessThan(0.85 * unlimited.downtimeMs());
        assertThat(unlimited.downtimeHighMs()).isGreaterThan(1.15 * unlimited.downtimeMs());
        // A rate limit holds the pace: no range.
        assertThat(limited.downtimeLowMs()).isEqualTo(limited.downtimeMs());
        assertThat(limited.downtimeHighMs()).isEqualTo(limited.downtimeMs());
    }

    @Test
    void onALinkTheCpuPacesARoundFastEnoughStopsPrecopyThoughTheExpectedRateNeverSendsOne() {
        // A 1 GiB guest rewriting its 256 MiB within every round: the stop rule stops after a round
        // that ran at 256 MiB / 300 ms = 853 MiB/s. At a steady 800 MiB/s no round does, and rounds
        // go on to the volume limit (3 GiB); a run's rounds move around that rate, and one passes in half as many rounds.
        long pages = 256 * MIB / PAGE;
        GuestProfile guest = new GuestProfile(1024 * MIB, PAGE, 1, pages, 0, DirtyCurve.linear(100_000.0 * MIB / PAGE, pages), 1.0, 0, 8e9);
        LinkProfile probed = new LinkProfile(800 * MIB, 0, "probe", CopyLoad.of(800 * MIB, true, true, 2));
        MigrationEstimator.Scenario s = new MigrationEstimator.Scenario(guest, probed, NO_OVERHEADS, Scenarios.options(0, 300),
                PolicySettings.defaults());

        Prediction steady = MigrationEstimator.predictAt(s, NONE, StreamPace.STEADY);
        Prediction drawn = MigrationEstimator.predict(s, NONE);

        assertThat(steady.endedBy()).isEqualTo(StopReason.MAX_VOLUME);
        assertThat(steady.rounds()).isGreaterThan(10);
        assertThat(drawn.endedBy()).isEqualTo(StopReason.CONVERGED);
        assertThat(drawn.rounds()).isLessThanOrEqualTo(steady.rounds() / 2);
        assertThat(drawn.limitMet()).isTrue();
    }

    @Test
    void aDirtyLimitHoldsBackAGuestOfSmallStepsButNotOneWhoseEveryStepDirties256Pages() {
        // 256 MiB dirtied at 1 GiB/s of CPU over a 32 MiB/s link, 300 ms limit. Once dirty-limit fires,
        // a guest of small steps dirties its 1 MiB/s and converges; one that dirties 256 pages (1 MiB)
        // a step still dirties 1 MiB per 50 ms sleep of the limiter, 20 MiB/s, and ends at a limit.
        GuestProfile g = linearGuest(256, 1024);
        GuestProfile smallSteps = new GuestProfile(g.memoryBytes(), PAGE, 1, g.nonZeroPages(), 0, g.dirtyCurve(), 1.0, 0, 8e9, 0.1);
        GuestProfile bigSteps = new GuestProfile(g.memoryBytes(), PAGE, 1, g.nonZeroPages(), 0, g.dirtyCurve(), 1.0, 0, 8e9, 256);
        Candidate dirtyLimit = new Candidate("dirty-limit", Candidate.PRECOPY);

        Prediction held = MigrationEstimator.predict(scenario(smallSteps, 32, 300, NO_OVERHEADS), dirtyLimit);
        Prediction notHeld = MigrationEstimator.predict(scenario(bigSteps, 32, 300, NO_OVERHEADS), dirtyLimit);

        assertThat(held.endedBy()).isEqualTo(StopReason.CONVERGED);
        assertThat(held.limitMet()).isTrue();
        assertThat(notHeld.endedBy()).isIn(StopReason.MAX_ROUNDS, StopReason.MAX_VOLUME);
        assertThat(notHeld.limitMet()).isFalse();
        assertThat(notHeld.downtimeMs()).isGreaterThan(1000);
    }

    @Test
    void round0SendsOnlyThePagesHoldingData() {
        // A 64 MiB guest with 16 MiB of data that dirties nothing: one round of 16 MiB, nothing left.
        GuestProfile guest = new GuestProfile(64 * MIB, PAGE, 1, 16 * MIB / PAGE, 0, DirtyCurve.linear(0, 16384), 1.0, 0, 8e9);
        Prediction none = MigrationEstimator.predict(scenario(guest, 32, 50, NO_OVERHEADS), new Candidate("none", Candidate.PRECOPY));

        assertThat(none.transferredBytes()).isEqualTo(16 * MIB);
        assertThat(none.rounds()).isEqualTo(2);
        assertThat(none.downtimeMs()).isZero();
    }

    @Test
    void round0AlsoSendsThePagesAFillingGuestWritesBeforeTheScanReachesThem() {
        // 16 MiB of data, growing by 4 MiB/s, over 32 MiB/s: round 0 sends what holds data half-way
        // through it, p = 16 + 4 x (p / 32) / 2, so p = 16 / (1 - 1/16) MiB.
        GuestProfile guest = new GuestProfile(64 * MIB, PAGE, 1, 16 * MIB / PAGE, 4 * MIB / PAGE, DirtyCurve.linear(8 * MIB / PAGE, 16384),
                1.0, 0, 8e9);
        PrecopySimulation simulation = new PrecopySimulation(guest, Scenarios.link(32), NO_OVERHEADS, Scenarios.options(32, 50), StreamPace.STEADY);

        assertThat(simulation.round0Pages() * PAGE / MIB).isCloseTo(16 / (1 - 1.0 / 16), within(0.05));
    }

    @Test
    void aGuestMigratedLaterThanItsSampleEndedHasFilledMoreByRound0() {
        // As above, but the migration starts 0.5 s after the sample (source --predict measures its
        // baseline in between): 2 MiB more data by then, p = 18 + 4 x (p / 32) / 2.
        GuestProfile guest = new GuestProfile(64 * MIB, PAGE, 1, 16 * MIB / PAGE, 4 * MIB / PAGE, DirtyCurve.linear(8 * MIB / PAGE, 16384),
                1.0, 0, 8e9).startingAfter(0.5e9);
        PrecopySimulation simulation = new PrecopySimulation(guest, Scenarios.link(32), NO_OVERHEADS, Scenarios.options(32, 50), StreamPace.STEADY);

        assertThat(simulation.round0Pages() * PAGE / MIB).isCloseTo(18 / (1 - 1.0 / 16), within(0.05));
    }

    @Test
    void aGuestFillingItsWorkingSetAtRandomKeepsFillingAlongItsCurveNotInAStraightLine() {
        // Random writes over 16384 pages at 16384 a second, from boot: data pages N (1 - e^-t).
        // Scanned at 0.25 s and 1 s; one second later it holds N (1 - e^-2), not the straight line's more.
        double n = 16384;
        double at025 = n * -Math.expm1(-0.25);
        double at1 = n * -Math.expm1(-1);
        GuestProfile guest = new GuestProfile(128 * MIB, PAGE, 1, Math.round(at1), (at1 - at025) / 0.75,
                DirtyCurve.randomWrites(16384, 16384), 1.0, 1.0, 0, 8e9, 0, 750_000_000, 0);

        assertThat(guest.nonZeroPagesAfter(1e9)).isCloseTo(n * -Math.expm1(-2), within(0.01 * n));
        assertThat(guest.nonZeroPagesAfter(100e9)).isCloseTo(n, within(0.01 * n));
    }

    @Test
    void aGuestIsNeverPlacedFurtherAlongItsCurveThanThePagesItHasFilled() {
        // A short sample of a random writer reads as a straight line, 3 500 pages a CPU second, which
        // flattens only at the guest's 32 768 pages. The guest holds 1 700 pages of data, 1 600 of
        // them filled in the 0.48 s between the scans: it is at the start of its curve, not near the
        // memory's end where the line flattens, and goes on filling at the pace the scans saw.
        GuestProfile guest = new GuestProfile(128 * MIB, PAGE, 1, 1_700, 1_600 / 0.48, DirtyCurve.linear(3_500, 32_768),
                1.0, 1.0, 0, 8e9, 0, 480_000_000, 0);

        assertThat(guest.nonZeroPagesAfter(0.6e9)).isCloseTo(1_700 + 0.6 * 1_600 / 0.48, within(1.0));
    }

    @Test
    void overheadsAddUpWhereTheyBelong() {
        Overheads o = new Overheads(500_000_000L, 8, 1_000_000L, 12_000_000L, 4_000_000L, 15_000_000L, 0);
        GuestProfile guest = new GuestProfile(64 * MIB, PAGE, 1, 16 * MIB / PAGE, 0, DirtyCurve.linear(0, 16384), 1.0, 0, 8e9);
        Prediction none = MigrationEstimator.predict(scenario(guest, 32, 50, o), new Candidate("none", Candidate.PRECOPY));

        long pages = 16 * MIB / PAGE;
        assertThat(none.transferredBytes()).isEqualTo(pages * (PAGE + 8));
        assertThat(none.downtimeMs()).isCloseTo(13, within(1e-9));
        assertThat(none.appDowntimeMs()).isCloseTo(17, within(1e-9));
        double round0Ms = pages * (PAGE + 8) * 1000.0 / (32 * MIB) + 48 * MIB * 1000.0 / 8e9;
        assertThat(none.totalTimeMs()).isCloseTo(500 + round0Ms + 13, within(1e-6));
    }

    @Test
    void postcopySwitchesAtOnceWhateverTheGuestDirtiesAndHybridTakesOverFromASaturatedPrecopy() {
        Overheads o = new Overheads(0, 8, 1_000_000L, 12_000_000L, 4_000_000L, 15_000_000L, 200_000L);
        MigrationEstimator.Scenario s = scenario(linearGuest(64, 256), 32, 50, o);
        Prediction post = MigrationEstimator.predict(s, new Candidate("none", Candidate.POSTCOPY));
        Prediction hybrid = MigrationEstimator.predict(s, new Candidate("none", Candidate.HYBRID));

        assertThat(post.downtimeMs()).isCloseTo(16, within(1e-9));
        assertThat(post.rounds()).isZero();
        assertThat(post.limitMet()).isTrue();
        assertThat(post.transferredBytes()).isEqualTo(64 * MIB / PAGE * (PAGE + 8));
        assertThat(post.workLostS()).isGreaterThan(post.appDowntimeMs() / 1000);

        assertThat(hybrid.endedBy()).isEqualTo(StopReason.POSTCOPY);
        assertThat(hybrid.note()).contains("outruns a round");
        assertThat(hybrid.downtimeMs()).isCloseTo(16, within(1e-9));
    }

    @Test
    void theSamePredictionTwice() {
        MigrationEstimator.Scenario s = scenario(linearGuest(64, 48), 32, 50, Overheads.DEFAULTS);
        assertThat(MigrationEstimator.predictAll(s)).isEqualTo(MigrationEstimator.predictAll(s));
    }

    @Test
    void everyPolicyInEveryModeIsACandidate() {
        List<Candidate> all = MigrationEstimator.candidates();
        assertThat(all).hasSize(10).contains(new Candidate("none", Candidate.POSTCOPY),
                new Candidate("dirty-limit", Candidate.HYBRID), new Candidate("auto-converge", Candidate.PRECOPY),
                new Candidate("none", Candidate.HYBRID, 1));
    }

    @Test
    void hybridWithItsOwnSwitchRoundSwitchesAfterRoundZeroWherePrecopyWouldConverge() {
        MigrationEstimator.Scenario s = scenario(linearGuest(64, 8), 32, 50, NO_OVERHEADS);
        Prediction asConfigured = MigrationEstimator.predict(s, new Candidate("none", Candidate.HYBRID));
        Prediction early = MigrationEstimator.predict(s, MigrationEstimator.EARLY_SWITCH);

        assertThat(asConfigured.endedBy()).isEqualTo(StopReason.CONVERGED);
        assertThat(early.endedBy()).isEqualTo(StopReason.POSTCOPY);
        assertThat(early.rounds()).isEqualTo(1);
        assertThat(early.postcopyAfter()).isEqualTo(1);
        assertThat(early.candidate()).isEqualTo(MigrationEstimator.EARLY_SWITCH);
        // Round 0 sends 64 MiB and leaves 16 MiB dirty; post-copy then pushes those 16 MiB.
        assertThat(early.transferredBytes()).isEqualTo((64 + 16) * MIB);
    }

    @Test
    void hybridWithAFixedSwitchRoundGoesToPostcopyAfterThatManyRounds() {
        MigrationEstimator.Scenario s = scenario(linearGuest(64, 8), 32, 50, NO_OVERHEADS);
        MigrationEstimator.Scenario afterOne = new MigrationEstimator.Scenario(s.guest(), s.link(), s.overheads(),
                s.options().withPostcopy(io.livemig.migrator.migration.PostcopyOptions.of(
                        io.livemig.migrator.stats.MigrationMode.HYBRID).withSwitchAfter(1)), s.policies());
        Prediction hybrid = MigrationEstimator.predict(afterOne, new Candidate("none", Candidate.HYBRID));

        // Round 0 sends 64 MiB and leaves 16 MiB dirty; post-copy then pushes those 16 MiB.
        assertThat(hybrid.endedBy()).isEqualTo(StopReason.POSTCOPY);
        assertThat(hybrid.rounds()).isEqualTo(1);
        assertThat(hybrid.transferredBytes()).isEqualTo((64 + 16) * MIB);
        assertThat(hybrid.note()).contains("after 1 rounds");
    }
}
