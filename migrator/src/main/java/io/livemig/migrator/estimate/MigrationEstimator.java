package io.livemig.migrator.estimate;

import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.PostcopyOptions;
import io.livemig.migrator.policy.PolicySettings;
import io.livemig.migrator.stats.PredictedRound;
import io.livemig.migrator.stats.StopReason;

import java.util.ArrayList;
import java.util.List;

/**
 * The migration cost model: for each {@link Candidate}, the pre-copy rounds on paper
 * ({@link PrecopySimulation}, with the real policy and stop rule), then the stop-and-copy
 * ({@link StopAndCopyModel}) or post-copy ({@link PostcopyModel}), summed into a {@link Prediction}.
 * Deterministic: the same scenario gives the same predictions (the {@link StreamPace} draws are seeded).
 */
public final class MigrationEstimator {
    /**
     * Everything a prediction depends on.
     *
     * @param guest     the sampled guest
     * @param link      the link's rate and round trip
     * @param overheads fixed costs
     * @param options   the stop rule's settings (downtime limit, max rounds, max volume), the bandwidth
     *                  limit and where the digests are compared
     * @param policies  every policy's parameters
     */
    public record Scenario(GuestProfile guest, LinkProfile link, Overheads overheads, MigrationOptions options,
                           PolicySettings policies) {
        /** The same scenario with the link's rate times {@code factor}. */
        Scenario withLinkRateTimes(double factor) {
            return new Scenario(guest, link.withRateTimes(factor), overheads, options, policies);
        }
    }

    private MigrationEstimator() {}

    /**
     * Every policy in pre-copy, post-copy alone, every policy in hybrid, and hybrid that switches
     * after round 0 ({@link #EARLY_SWITCH}).
     */
    public static List<Candidate> candidates() {
        List<Candidate> all = new ArrayList<>();
        for (String policy : PolicySettings.NAMES) all.add(new Candidate(policy, Candidate.PRECOPY));
        all.add(new Candidate("none", Candidate.POSTCOPY));
        for (String policy : PolicySettings.NAMES) all.add(new Candidate(policy, Candidate.HYBRID));
        all.add(EARLY_SWITCH);
        return all;
    }

    /**
     * Hybrid that goes to post-copy after round 0, whatever its switch rule would say. Where the
     * guest dirties slowly enough for pre-copy to converge, hybrid's rule never switches, and its
     * stop-and-copy takes the final transfer the stop rule allows plus the handover: the paper's
     * 16 MiB/s writer on a 32 MiB/s link measured 55-90 ms against a 50 ms limit under every
     * policy, where post-copy's switch takes 10-20 ms. This one meets such a limit with the guest's
     * first copy sent, so fewer pages in flight than post-copy alone.
     */
    static final Candidate EARLY_SWITCH = new Candidate("none", Candidate.HYBRID, 1);

    public static List<Prediction> predictAll(Scenario scenario) {
        return candidates().stream().map(c -> predict(scenario, c)).toList();
    }

    /**
     * The candidate's prediction: under a rate limit, the course at that rate; on a link the CPU
     * paces, the medians of the courses of {@link StreamPace#draws()}, with the downtime's range
     * from their 10th to their 90th percentile.
     */
    public static Prediction predict(Scenario s, Candidate candidate) {
        if (!s.link().copyLoad().cpuBound()) return predictAt(s, candidate, StreamPace.STEADY);
        return Prediction.medianOf(StreamPace.draws().stream().map(pace -> predictAt(s, candidate, pace)).toList(),
                s.options().downtimeLimit().toNanos() / 1e6);
    }

    /** The candidate's course with each round's rate moved by {@code pace}. */
    static Prediction predictAt(Scenario scenario, Candidate candidate, StreamPace pace) {
        Scenario s = scenario.withLinkRateTimes(pace.runFactor());
        GuestProfile guest = s.guest();
        PrecopyCourse course;
        Ending ending;
        boolean stopAndCopy;
        if (candidate.mode().equals(Candidate.POSTCOPY)) {
            double setupLost = s.link().copyLoad().setupWorkLostNanos(s.overheads().setupNanos(), guest);
            course = new PrecopyCourse(List.of(), s.overheads().setupNanos(), 0, setupLost, guest.pageCount(), null,
                    "post-copy from the start", 100, 0);
            ending = PostcopyModel.after(guest.pageCount(), guest.nonZeroPagesAfter(s.overheads().setupNanos()), true, guest,
                    s.link(), s.overheads());
            stopAndCopy = false;
        } else {
            int switchAfter = candidate.switchAfter(s.options().postcopy().switchAfter());
            HybridSwitchModel hybrid = !candidate.mode().equals(Candidate.HYBRID) ? HybridSwitchModel.NEVER
                    : switchAfter == PostcopyOptions.AUTO ? HybridSwitchModel.auto()
                    : HybridSwitchModel.afterRounds(switchAfter);
            course = new PrecopySimulation(guest, s.link(), s.overheads(), s.options(), pace).run(s.policies().create(candidate.policy()), hybrid);
            stopAndCopy = !hybrid.isHybrid() || course.stopReason() == StopReason.CONVERGED;
            LinkProfile stopAndCopyLink = s.link().withRateTimes(pace.roundFactor(course.rounds().size()));
            ending = stopAndCopy
                    ? StopAndCopyModel.after(course, guest, stopAndCopyLink, s.overheads(), !s.options().verifyAfterResume())
                    : PostcopyModel.after(course.dirtyPagesLeft(), course.dirtyPagesLeft(), false, guest, s.link(), s.overheads());
        }
        double total = course.elapsedNanos() + ending.durationNanos();
        double lost = course.workLostNanos() + ending.workLostNanos();
        double window = stopAndCopy ? course.elapsedNanos() + ending.downtimeNanos() : total;
        StopReason endedBy = course.stopReason() != null ? course.stopReason() : StopReason.POSTCOPY;
        String note = course.switchReason() != null ? "post-copy: " + course.switchReason()
                : stopAndCopy ? "" : "post-copy after " + endedBy;
        return new Prediction(candidate.policy(), candidate.mode(), candidate.postcopyAfter(), total / 1e6, ending.downtimeNanos() / 1e6,
                ending.downtimeNanos() / 1e6, ending.downtimeNanos() / 1e6,
                ending.appDowntimeNanos() / 1e6, Math.round(course.bytesSent() + ending.bytes()),
                course.rounds().size() + (stopAndCopy ? 1 : 0), lost / 1e9, window <= 0 ? 0 : 100 * lost / window,
                course.maxThrottlePct(), ending.downtimeNanos() <= s.options().downtimeLimit().toNanos(), endedBy, note,
                course.rounds().stream().map(r -> new PredictedRound(r.round(), Math.round(r.pages()), r.durationNanos() / 1e6,
                        Math.round(r.dirtyPages()), 100 - r.capPct())).toList());
    }
}
