package io.livemig.migrator.stats;

import java.util.List;

/**
 * The mode of a migration and what post-copy cost, written into {@code --stats-json} as flat keys
 * ({@code mode}, {@code postcopy_time_ms}, ...; all 0 or empty for a migration that never switched).
 *
 * @param mode                   precopy, postcopy or hybrid
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
public record PostcopyStats(String mode, double postcopyTimeMs, long postcopyFaults, long postcopyPagesRequested,
                            long postcopyPagesPushed, double faultLatencyUsP50, double faultLatencyUsP99,
                            double faultLatencyUsMax, double blocktimeMs, List<Double> blocktimeMsPerVcpu) {

    public PostcopyStats {
        if (mode == null) throw new IllegalArgumentException("mode is required");
        blocktimeMsPerVcpu = List.copyOf(blocktimeMsPerVcpu);
    }

    /** A migration in {@code mode} that never switched to post-copy. */
    public static PostcopyStats none(String mode) {
        return new PostcopyStats(mode, 0, 0, 0, 0, 0, 0, 0, 0, List.of());
    }
}
