package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Every figure of one migration, as {@code --stats-json} writes it (keys in snake_case; the key
 * list is a contract: extend, never rename). Times in milliseconds, rates in bytes per second.
 *
 * <ul>
 *   <li>{@code downtimeMs}: host downtime, from the source's pause request to the destination's
 *   guest running (CLOCK_MONOTONIC, comparable between JVMs on one host);</li>
 *   <li>{@code appDowntimeMs}: the gap the guest itself sees, its last operation on the source to
 *   its first on the destination (heartbeats, wall clock);</li>
 *   <li>{@code pauseMs}, {@code finalTransferMs}, {@code verifyMs}, {@code resumeMs}: the parts of
 *   the host downtime (pause latency, last pages and vCPU state, digests, commit and resume).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationStats(
        String status,
        String policy,
        long memoryBytes,
        int pageSize,
        int vcpus,
        String workload,
        int rounds,
        double totalTimeMs,
        double setupTimeMs,
        double downtimeMs,
        double appDowntimeMs,
        double pauseMs,
        double finalTransferMs,
        double verifyMs,
        double resumeMs,
        long transferredBytes,
        long normalPages,
        long zeroPages,
        double dirtyRateBytesPerS,
        double bandwidthBytesPerS,
        double bandwidthLimitBytesPerS,
        double downtimeLimitMs,
        double maxThrottlePct,
        boolean digestVerified,
        @JsonProperty("app_ops_per_s_before") double appOpsPerSBefore,
        @JsonProperty("app_ops_per_s_during") double appOpsPerSDuring,
        String stopReason,
        Boolean sourceGuestVerified,
        String error,
        List<RoundStats> roundsDetail) {

    public MigrationStats {
        roundsDetail = List.copyOf(roundsDetail);
    }

    @JsonIgnore
    public boolean completed() { return "completed".equals(status); }

    /** Application work lost: ops the guest would have done at its pre-migration rate minus ops done. */
    @JsonProperty("app_work_lost_pct")
    public double appWorkLostPct() {
        return appOpsPerSBefore <= 0 ? 0 : 100 * Math.max(0, 1 - appOpsPerSDuring / appOpsPerSBefore);
    }

    public MigrationStats withSourceGuestVerified(boolean verified) {
        return new MigrationStats(status, policy, memoryBytes, pageSize, vcpus, workload, rounds, totalTimeMs, setupTimeMs,
                downtimeMs, appDowntimeMs, pauseMs, finalTransferMs, verifyMs, resumeMs, transferredBytes, normalPages,
                zeroPages, dirtyRateBytesPerS, bandwidthBytesPerS, bandwidthLimitBytesPerS, downtimeLimitMs, maxThrottlePct,
                digestVerified, appOpsPerSBefore, appOpsPerSDuring, stopReason, verified, error, roundsDetail);
    }
}
