package io.livemig.migrator.estimate;

import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.policy.PolicySettings;

import java.time.Duration;

/** Scripted scenarios for the model's tests: no overheads unless asked, a guest given its whole core. */
final class Scenarios {
    static final int PAGE = 4096;
    static final long MIB = 1 << 20;
    static final Overheads NO_OVERHEADS = new Overheads(0, 0, 0, 0, 0, 0, 0);

    private Scenarios() {}

    /** A guest of {@code memoryMib}, all pages holding data, dirtying {@code dirtyMibPerCpuS} per second of CPU (linear). */
    static GuestProfile linearGuest(long memoryMib, double dirtyMibPerCpuS) {
        long pages = memoryMib * MIB / PAGE;
        return new GuestProfile(memoryMib * MIB, PAGE, 1, pages, 0, DirtyCurve.linear(dirtyMibPerCpuS * MIB / PAGE, pages),
                1.0, 0, 8e9);
    }

    static LinkProfile link(double mibPerS) {
        return new LinkProfile(mibPerS * MIB, 0, "scripted");
    }

    static MigrationOptions options(double bandwidthMibPerS, long downtimeLimitMs) {
        return MigrationOptions.defaults().withBandwidth((long) (bandwidthMibPerS * MIB))
                .withDowntimeLimit(Duration.ofMillis(downtimeLimitMs));
    }

    static MigrationEstimator.Scenario scenario(GuestProfile guest, double linkMibPerS, long downtimeLimitMs, Overheads overheads) {
        return new MigrationEstimator.Scenario(guest, link(linkMibPerS), overheads, options(linkMibPerS, downtimeLimitMs),
                PolicySettings.defaults());
    }
}
