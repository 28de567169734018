package io.livemig.migrator.stats;

import java.util.List;

/**
 * The mode of a migration and what post-copy cost, written into {@code --stats-json} as flat keys
 * ({@code mode}, {@code postcopy_time_ms}, ...; all 0 or empty for a migration that never switched).
 *
 * @param mode                   precopy, postcopy or hybrid (its word)
 * @param postcopyTimeMs         from the switch until the destination confirmed the last page
 * @param postcopyFaults         guest accesses that blocked on a missing page (destination)
 * @param postcopyPagesRequested distinct pages the destination asked for (each once)
 * @param postcopyPagesPushed    pages the source pushed in the background (resends after a broken link included)
 * @param faultLatencyUsP50      median time a faulting access waited, microseconds
 * @param faultLatencyUsP99      99th percentile of it
 * @param faultLatencyUsMax      the longest wait
 * @param blocktimeMs            sum over vCPUs of the time they were blocked on missing pages
 * @param blocktimeMsPerVcpu     that time for each vCPU
 */
public record PostcopyStats(MigrationMode mode, double postcopyTimeMs, long postcopyFaults, long postcopyPagesRequested,
                            long postcopyPagesPushed, double faultLatencyUsP50, double faultLatencyUsP99,
                            double faultLatencyUsMax, double blocktimeMs, List<Double> blocktimeMsPerVcpu) {

    public PostcopyStats {
        if (mode == null) throw new IllegalArgumentException("mode is required");
        blocktimeMsPerVcpu = List.copyOf(blocktimeMsPerVcpu);
    }

    /** A migration in {@code mode} that never switched to post-copy. */
    public static PostcopyStats none(MigrationMode mode) {
        return builder(mode).build();
    }

    /** Named steps for the figures of a migration in {@code mode}; a figure never set is 0 (or empty). */
    public static Builder builder(MigrationMode mode) {
        return new Builder(mode);
    }

    /** Named steps for the {@link PostcopyStats} figures. */
    public static final class Builder {
        private final MigrationMode mode;
        private double postcopyTimeMs;
        private long postcopyFaults;
        private long postcopyPagesRequested;
        private long postcopyPagesPushed;
        private double faultLatencyUsP50;
        private double faultLatencyUsP99;
        private double faultLatencyUsMax;
        private double blocktimeMs;
        private List<Double> blocktimeMsPerVcpu = List.of();

        private Builder(MigrationMode mode) {
            this.mode = mode;
        }

        public Builder postcopyTimeMs(double ms) { this.postcopyTimeMs = ms; return this; }
        public Builder postcopyFaults(long faults) { this.postcopyFaults = faults; return this; }
        public Builder postcopyPagesRequested(long pages) { this.postcopyPagesRequested = pages; return this; }
        public Builder postcopyPagesPushed(long pages) { this.postcopyPagesPushed = pages; return this; }
        public Builder faultLatencyUsP50(double us) { this.faultLatencyUsP50 = us; return this; }
        public Builder faultLatencyUsP99(double us) { this.faultLatencyUsP99 = us; return this; }
        public Builder faultLatencyUsMax(double us) { this.faultLatencyUsMax = us; return this; }
        public Builder blocktimeMs(double ms) { this.blocktimeMs = ms; return this; }
        public Builder blocktimeMsPerVcpu(List<Double> perVcpu) { this.blocktimeMsPerVcpu = perVcpu; return this; }

        public PostcopyStats build() {
            return new PostcopyStats(mode, postcopyTimeMs, postcopyFaults, postcopyPagesRequested, postcopyPagesPushed,
                    faultLatencyUsP50, faultLatencyUsP99, faultLatencyUsMax, blocktimeMs, blocktimeMsPerVcpu);
        }
    }
}
