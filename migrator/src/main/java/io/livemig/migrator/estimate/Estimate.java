package io.livemig.migrator.estimate;

import io.livemig.workloads.Sizes;

import java.util.List;
import java.util.Locale;

/**
 * What {@code livemig estimate} found: its inputs, one {@link Prediction} per candidate and the
 * recommendation; {@code --stats-json} writes it as one object (snake_case keys, the candidates as a
 * list of objects), and {@link #table()} is what it prints.
 *
 * @param inputs         the sampled guest and the link, as the model took them
 * @param candidates     one prediction per policy and mode
 * @param recommendation the candidate {@code --policy auto} would run, and why
 */
public record Estimate(Inputs inputs, List<Prediction> candidates, Recommendation recommendation) {
    public Estimate {
        candidates = List.copyOf(candidates);
    }

    /**
     * The model's inputs.
     *
     * @param workload            the guest program's spec
     * @param memoryBytes         guest memory
     * @param pageSize            bytes per page
     * @param vcpus               vCPUs
     * @param sampleMs            how long the guest was sampled (the dirtying window)
     * @param zeroPageShare       share of all-zero pages (0..1)
     * @param dirtyRateBytesPerS  distinct bytes dirtied per second over one second
     * @param cpuSharePct         the CPU share a vCPU got, % of a core
     * @param hostSharePct        the share of a core a vCPU got of the time it was not halted, %
     * @param opsPerS             the guest's throughput while sampled
     * @param workingSet          W(tau) as measured, "CPU us:pages" points
     * @param pagesPerStep        pages a vCPU's step newly dirties (what a dirty limit cannot hold back)
     * @param linkBytesPerS       the link rate used
     * @param linkRoundTripMs     its round trip
     * @param linkOrigin          where the rate came from
     * @param setupMs             the setup time used
     * @param downtimeLimitMs     the downtime limit
     */
    public record Inputs(String workload, long memoryBytes, int pageSize, int vcpus, double sampleMs, double zeroPageShare,
                         double dirtyRateBytesPerS, double cpuSharePct, double hostSharePct, double opsPerS, String workingSet, double pagesPerStep,
                         double linkBytesPerS, double linkRoundTripMs, String linkOrigin, double setupMs,
                         double downtimeLimitMs) {}

    /**
     * The chosen candidate and the reason, in one sentence.
     *
     * @param postcopyAfter hybrid's own switch round ({@code --postcopy-after}), 0 = as the migration is configured
     */
    public record Recommendation(String policy, String mode, int postcopyAfter, String reason) {
        public Candidate candidate() {
            return new Candidate(policy, mode, postcopyAfter);
        }
    }

    /** The table and the recommendation, as printed. */
    public String table() {
        StringBuilder out = new StringBuilder(inputsSummary()).append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "%-28s %8s %12s %13s %12s %9s %7s %10s %8s %6s  %s%n", "candidate", "total s", "downtime ms",
                "range ms", "app down ms", "MiB sent", "rounds", "work lost s", "lost %", "limit", "ends"));
        for (Prediction p : candidates) {
            out.append(String.format(Locale.ROOT, "%-28s %8.1f %12.1f %13s %12.1f %9.1f %7d %10.2f %8.1f %6s  %s%n", p.candidate().label(),
                    p.totalTimeMs() / 1000, p.downtimeMs(), range(p), p.appDowntimeMs(), p.transferredBytes() / 1048576.0, p.rounds(),
                    p.workLostS(), p.workLostPct(), p.limitMet() ? "met" : "missed", p.endedBy()));
        }
        Recommendation r = recommendation;
        out.append(String.format(Locale.ROOT, "%nrecommendation: %s (%s)%n", r.candidate().options(), r.reason()));
        return out.toString();
    }

    /** The downtime's range over the courses ("40..210"), or "-" where a limit holds the rate (or the range is the point). */
    private static String range(Prediction p) {
        long low = Math.round(p.downtimeLowMs());
        long high = Math.round(p.downtimeHighMs());
        return low == high ? "-" : low + ".." + high;
    }

    /** Two lines: the sampled guest and the link. */
    public String inputsSummary() {
        Inputs in = inputs;
        return String.format(Locale.ROOT, "guest: %s, %s, %d vCPU; sampled %.1f s: dirty rate %.1f MiB/s, zero pages %.0f %%, "
                        + "CPU share %.0f %%%s, %.0f ops/s%n", in.workload(), Sizes.human(in.memoryBytes()), in.vcpus(),
                in.sampleMs() / 1000, in.dirtyRateBytesPerS() / 1048576, 100 * in.zeroPageShare(), in.cpuSharePct(),
                in.hostSharePct() - in.cpuSharePct() > 1 ? String.format(Locale.ROOT, " (%.0f %% of a core when not halted)", in.hostSharePct()) : "",
                in.opsPerS())
                + String.format(Locale.ROOT, "link: %.1f MiB/s (%s), round trip %.2f ms, setup %.0f ms; downtime limit %.0f ms%n",
                in.linkBytesPerS() / 1048576, in.linkOrigin(), in.linkRoundTripMs(), in.setupMs(), in.downtimeLimitMs());
    }
}
