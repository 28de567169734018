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
 *   the host downtime (pause latency, last pages and vCPU state, digests, commit and resume);</li>
 *   <li>{@code appOpsPerSDuring}: the guest's throughput from the start of the migration to the
 *   pause (pre-copy, throttled or not);</li>
 *   <li>{@code appOpsLost}, {@code appWorkLostPct}: the operations the guest would have done at its
 *   pre-migration rate from the start of the migration until it ran again on the destination, minus
 *   those it did: throttling and the downtime both count;</li>
 *   <li>{@code appliedDirtyLimitBytesPerS}: the per-vCPU dirty limit a policy applied (0 if none).</li>
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
        long appOpsLost,
        double appWorkLostPct,
        double appliedDirtyLimitBytesPerS,
        String stopReason,
        Boolean sourceGuestVerified,
        String error,
        List<RoundStats> roundsDetail) {

    public MigrationStats {
        roundsDetail = List.copyOf(roundsDetail);
    }

    @JsonIgnore
    public boolean completed() { return "completed".equals(status); }

    public MigrationStats withSourceGuestVerified(boolean verified) {
        return new MigrationStats(status, policy, memoryBytes, pageSize, vcpus, workload, rounds, totalTimeMs, setupTimeMs,
                downtimeMs, appDowntimeMs, pauseMs, finalTransferMs, verifyMs, resumeMs, transferredBytes, normalPages,
                zeroPages, dirtyRateBytesPerS, bandwidthBytesPerS, bandwidthLimitBytesPerS, downtimeLimitMs, maxThrottlePct,
                digestVerified, appOpsPerSBefore, appOpsPerSDuring, appOpsLost, appWorkLostPct, appliedDirtyLimitBytesPerS,
                stopReason, verified, error, roundsDetail);
    }
}
