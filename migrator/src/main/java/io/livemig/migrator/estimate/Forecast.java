package io.livemig.migrator.estimate;

import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.policy.PolicySettings;

import java.util.List;

/**
 * From a guest sample and a link to an {@link Estimate}: the model run for every candidate and
 * {@link AutoChoice}'s pick. Shared by {@code livemig estimate} and {@code source --policy auto}.
 */
public final class Forecast {
    private Forecast() {}

    /**
     * @param pinnedMode   the mode the choice must stay in, or null to choose it too ({@link AutoChoice})
     * @param switchPinned the user gave {@code --postcopy-after}: no candidate with a switch round of its own
     * @param leadNanos    the wall time from the end of the sample to the migration's start ({@link GuestProfile#leadNanos})
     */
    public static Estimate of(GuestSampler.Sample sample, String workload, LinkMeasure measured, MigrationOptions options,
                              PolicySettings policies, String pinnedMode, boolean switchPinned, long leadNanos) {
        GuestProfile guest = sample.profile().startingAfter(leadNanos);
        LinkProfile link = measured.onHost(guest);
        Overheads overheads = measured.overheads(guest);
        List<Prediction> predictions = MigrationEstimator.predictAll(
                new MigrationEstimator.Scenario(guest, link, overheads, options, policies)).stream()
                .filter(p -> !switchPinned || p.postcopyAfter() == Candidate.AS_CONFIGURED).toList();
        AutoChoice.Choice choice = pinnedMode == null ? AutoChoice.choose(predictions) : AutoChoice.chooseIn(predictions, pinnedMode);
        Estimate.Inputs inputs = new Estimate.Inputs(workload, guest.memoryBytes(), guest.pageSize(), guest.vcpus(),
                sample.windowNanos() / 1e6, guest.zeroPageShare(), sample.dirtyRateBytesPerS(), 100 * guest.cpuShare(), 100 * guest.hostShare(),
                sample.opsPerS(), sample.curve().toString(), guest.pagesPerStep(), link.bytesPerS(), link.roundTripNanos() / 1e6, link.origin(),
                overheads.setupNanos() / 1e6, options.downtimeLimit().toNanos() / 1e6);
        return new Estimate(inputs, predictions, new Estimate.Recommendation(choice.chosen().policy(), choice.chosen().mode(),
                choice.chosen().postcopyAfter(), choice.reason()));
    }
}
