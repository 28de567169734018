package io.livemig.migrator.estimate;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuestSamplerTest {
    private static final long MIB = 1 << 20;

    @Test
    void theRegionARandomWriterWritesInIsReadFromHowManyOfItsPagesWereNew() {
        // 16 384 pages written at random, 10 000 of them already: of 5 000 dirtied, 39 % were new.
        assertThat(GuestSampler.writeRegionPages(10_000, 11_950, 5_000, 32_768)).isBetween(16_300L, 16_500L);
        // Rewriting its data: the region is the data.
        assertThat(GuestSampler.writeRegionPages(65_026, 65_026, 65_026, 262_144)).isEqualTo(65_026);
        // Every page new (filling in order), or nothing dirtied: nothing bounds it but the memory.
        assertThat(GuestSampler.writeRegionPages(1_000, 3_000, 2_000, 32_768)).isEqualTo(32_768);
        assertThat(GuestSampler.writeRegionPages(1_000, 1_000, 0, 32_768)).isEqualTo(32_768);
    }

    @Test
    void aGuestStillFillingItsRegionGoesOnAsARandomWriterOverIt() {
        // A straight window, 2 000 pages in 0.4 s of CPU, 1 500 of them new: 16 000 pages, 4 000 of them data.
        MeasuredCurve straight = new MeasuredCurve(new long[]{100_000_000, 200_000_000, 400_000_000}, new long[]{500, 1_000, 2_000}, 32_768);
        MeasuredCurve filling = GuestSampler.boundedByRegion(straight, 4_000, 5_500, 32_768);

        assertThat(filling.limitPages()).isEqualTo(16_000);
        assertThat(filling.extrapolation()).startsWith("saturating at 16000 pages");
        assertThat(filling.pagesAt(400_000_000)).isEqualTo(2_000);
        // W = 16 000 (1 - exp(-tau / T)) through (0.4 s, 2 000): T = 3.0 s, and 2 s gives 7 793 pages.
        assertThat(filling.pagesAt(2e9)).isCloseTo(7_793, within(5.0));
    }

    @Test
    void aGuestMostlyRewritingItsDataKeepsItsFittedShapeCappedAtTheRegion() {
        // A bent window, 200 of its 2 000 pages new: the fit is kept, and only capped at the region read (4 445 pages).
        MeasuredCurve bent = new MeasuredCurve(new long[]{100_000_000, 200_000_000, 400_000_000}, new long[]{1_000, 1_414, 2_000}, 32_768);
        MeasuredCurve rewriting = GuestSampler.boundedByRegion(bent, 4_000, 4_200, 32_768);

        assertThat(rewriting.extrapolation()).startsWith("power law k=0.50");
        assertThat(rewriting.limitPages()).isEqualTo(4_445);
        assertThat(rewriting.pagesAt(1e12)).isEqualTo(4_445);
        // Filling in order, every page new: nothing bounds it but the memory.
        assertThat(GuestSampler.boundedByRegion(bent, 4_000, 6_000, 32_768).limitPages()).isEqualTo(32_768);
    }

    @Test
    void aWritingGuestShowsARisingCurveBoundedByItsWorkingSet() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("sampled", new GuestConfig(16 * MIB, 1),
                Workloads.parse("memwrite:wss=2m,rate=64m"))) {
            vm.start();
            GuestSampler.Sample sample = GuestSampler.sample(vm, Duration.ofMillis(400), true);

            GuestProfile g = sample.profile();
            assertThat(sample.curve().cpuNanos().length).isGreaterThanOrEqualTo(2);
            assertThat(sample.curve().pagesAt(sample.curve().maxCpuNanos())).isPositive();
            // The working set is 2 MiB (512 pages) plus the status page: what was measured never goes past it
            // (past the window the curve is extrapolated, and a busy host may not have let it flatten yet).
            assertThat(sample.curve().pagesAt(sample.curve().maxCpuNanos())).as(sample.curve().toString()).isLessThanOrEqualTo(520);
            assertThat(sample.curve().pagesAt(60e9)).isLessThanOrEqualTo(g.pageCount());
            assertThat(g.nonZeroPages()).isBetween(2L, 520L);
            assertThat(g.cpuShare()).isBetween(0.001, 1.0);
            assertThat(g.digestBytesPerS()).isPositive();
            assertThat(sample.dirtyRateBytesPerS()).isPositive();
            assertThat(sample.opsPerS()).isPositive();
            assertThat(vm.verify().ok()).isTrue();
        }
    }

    @Test
    void aSequentialWriterAtFullSpeedDirtiesManyPagesAStepAndACalibratedOneAFractionOfAPage() throws Exception {
        // memwrite without a rate touches up to 256 pages a step; at 4 MiB/s it spends most of a step computing.
        try (VirtualMachine fast = VirtualMachine.boot("fast", new GuestConfig(64 * MIB, 1),
                Workloads.parse("memwrite:wss=60m,pattern=sequential"));
             VirtualMachine slow = VirtualMachine.boot("slow", new GuestConfig(64 * MIB, 1), Workloads.parse("memwrite:wss=60m,rate=4m"))) {
            fast.start();
            slow.start();
            Thread.sleep(100);

            assertThat(GuestSampler.pagesPerStep(fast)).isBetween(200.0, 260.0);
            assertThat(GuestSampler.pagesPerStep(slow)).isLessThan(4.0);
        }
    }

    @Test
    void anIdleGuestUsesLittleCpuButSaysTheHostIsFree() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("idle", new GuestConfig(16 * MIB, 1), Workloads.parse("idle:tick=1000us"))) {
            vm.start();
            GuestProfile g = GuestSampler.sample(vm, Duration.ofMillis(400), false).profile();

            assertThat(g.cpuShare()).isLessThan(0.3);
            assertThat(g.hostShare()).isEqualTo(1.0);
        }
    }

    @Test
    void theStopAndCopysDigestHasTheCoresTheRunningGuestTookWhileSampled() {
        // Two digest threads beside one busy vCPU on two cores got one core; with the guest paused, two.
        assertThat(GuestSampler.pausedGuestDigestRate(1e9, 1, 1.0, 2)).isEqualTo(2e9);
        assertThat(GuestSampler.pausedGuestDigestRate(1e9, 2, 0.5, 2)).isEqualTo(2e9);
        // On eight cores the digest had its two cores anyway.
        assertThat(GuestSampler.pausedGuestDigestRate(1e9, 1, 1.0, 8)).isEqualTo(1e9);
    }

    @Test
    void anIdleGuestDirtiesAlmostNothing() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("idle", new GuestConfig(16 * MIB, 1), Workloads.parse("idle"))) {
            vm.start();
            GuestSampler.Sample sample = GuestSampler.sample(vm, Duration.ofMillis(300), false);

            assertThat(sample.curve().pagesAt(1e9)).isLessThan(64);
            assertThat(sample.profile().zeroPageShare()).isGreaterThan(0.9);
            assertThat(sample.profile().digestBytesPerS()).isZero();
        }
    }
}
