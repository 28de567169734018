package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;
import java.util.Objects;

/**
 * Every figure of one migration, as {@code --stats-json} writes it (keys in snake_case; the key
 * list is a contract: extend, never rename). Times in milliseconds, rates in bytes per second.
 * Built by name with {@link #builder()}; a figure never set is 0 (or -1 for the two downtimes:
 * not measured), a {@code null} one is left out of the JSON.
 *
 * <ul>
 *   <li>{@code downtimeMs}: host downtime, from the source's pause request to the destination's
 *   guest running, in the source's time base (the destination's clock converted with the measured
 *   offset);</li>
 *   <li>{@code appDowntimeMs}: the gap the guest itself sees, its last operation on the source to
 *   its first on the destination (heartbeats, wall clocks, converted likewise);</li>
 *   <li>{@code pauseMs}, {@code finalTransferMs}, {@code verifyMs}, {@code resumeMs}: the parts of
 *   the host downtime (pause latency, last pages and vCPU state, digests, commit and resume);</li>
 *   <li>{@code appOpsPerSDuring}: the guest's throughput from the start of the migration to the
 *   pause (pre-copy, throttled or not);</li>
 *   <li>{@code appOpsLost}, {@code appWorkLostPct}: the operations the guest would have done at its
 *   pre-migration rate from the start of the migration until it ran again on the destination, minus
 *   those it did: throttling and the downtime both count;</li>
 *   <li>{@code appliedDirtyLimitBytesPerS}: the per-vCPU dirty limit a policy applied (0 if none);</li>
 *   <li>{@code convergence}: {@code converged} when pre-copy stopped because the dirty set fit the
 *   downtime limit, {@code infeasible} when it could not (absent when pre-copy never ended); with
 *   {@code convergenceReason}, {@code convergencePredictedDowntimeMs} (the stop-and-copy predicted
 *   then) and {@code convergenceRound} (the round after which the verdict was reached: a planning
 *   policy says infeasible as early as round 0);</li>
 *   <li>{@code cpuModel}: the CPU model of {@code cpu-scheduling} (absent for other policies);</li>
 *   <li>{@code maxThrottleSleepMs}: the longest single throttle sleep of any vCPU during the
 *   migration (bounded by the downtime limit);</li>
 *   <li>{@code sourceGuestVerified}: after a failure, whether the guest kept running on the source
 *   and passed its own check (absent when not checked);</li>
 *   <li>{@code clockUncertaintyMs}: half the round trip of the clock sample the destination's
 *   readings were converted with (-1: not measured); {@code clockOffsetMs}, {@code wallClockOffsetMs}:
 *   the destination's monotonic and wall clocks minus the source's;</li>
 *   <li>{@code opLatencyUs...}: the guest's operation latencies in microseconds, as it lived them, in
 *   the phases before (baseline window), during (migration start until the guest ran on the
 *   destination) and after (its first moments there); -1 when the phase had no operation or was not
 *   measured; {@code opLatencyTimeline}: the same per sampling interval.</li>
 *   <li>{@code postcopy}: the mode and the post-copy figures, written as flat keys ({@code mode},
 *   {@code postcopy_time_ms}, ..., see {@link PostcopyStats}); in post-copy {@code downtimeMs} is
 *   the switch-over pause;</li>
 *   <li>{@code prediction}: what the cost model predicted and which candidate ran, written as flat
 *   keys ({@code predicted_total_time_ms}, ..., {@code chosen_policy}, see {@link PredictionStats});
 *   absent when nothing was predicted;</li>
 *   <li>{@code rehearsalMs}: how long this JVM's rehearsal took ({@code --rehearse}: a toy guest
 *   migrated to itself before this migration); absent without one;</li>
 *   <li>{@code transferredBytes}: page data moved, every non-zero page at its full size (whole or as
 *   a delta); {@code wireBytes}: the page frames' bytes on the wire (what {@code --bandwidth} limits);
 *   {@code compressionRatio}: data blocks before compression over data blocks sent (1 without);
 *   {@code deltaPages}: pages sent as XBZRLE deltas; {@code deltaCacheMisses}: pages looked up in the
 *   delta cache and not found (sent whole).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationStats(
        MigrationStatus status,
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
        StopReason stopReason,
        Convergence convergence,
        String convergenceReason,
        Double convergencePredictedDowntimeMs,
        Integer convergenceRound,
        String cpuModel,
        double maxThrottleSleepMs,
        Boolean sourceGuestVerified,
        int channels,
        String compression,
        double compressionRatio,
        long wireBytes,
        long deltaPages,
        long deltaCacheMisses,
        String error,
        double clockUncertaintyMs,
        double clockOffsetMs,
        double wallClockOffsetMs,
        double opLatencyUsP50Before,
        double opLatencyUsP99Before,
        double opLatencyUsP50During,
        double opLatencyUsP99During,
        double opLatencyUsP999During,
        double opLatencyUsMaxDuring,
        double opLatencyUsP50After,
        double opLatencyUsP99After,
        double opLatencyUsMaxAfter,
        List<RoundStats> roundsDetail,
        List<LatencyPoint> opLatencyTimeline,
        @JsonUnwrapped PostcopyStats postcopy,
        @JsonUnwrapped PredictionStats prediction,
        Double rehearsalMs) {

    public MigrationStats {
        Objects.requireNonNull(status, "status");
        roundsDetail = List.copyOf(roundsDetail);
        opLatencyTimeline = opLatencyTimeline == null ? null : List.copyOf(opLatencyTimeline);
        if (postcopy == null) postcopy = PostcopyStats.none(MigrationMode.PRECOPY);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every figure of this one, to change a few. */
    public Builder toBuilder() {
        return new Builder()
                .status(status)
                .policy(policy)
                .memoryBytes(memoryBytes)
                .pageSize(pageSize)
                .vcpus(vcpus)
                .workload(workload)
                .rounds(rounds)
                .totalTimeMs(totalTimeMs)
                .setupTimeMs(setupTimeMs)
                .downtimeMs(downtimeMs)
                .appDowntimeMs(appDowntimeMs)
                .pauseMs(pauseMs)
                .finalTransferMs(finalTransferMs)
                .verifyMs(verifyMs)
                .resumeMs(resumeMs)
                .transferredBytes(transferredBytes)
                .normalPages(normalPages)
                .zeroPages(zeroPages)
                .dirtyRateBytesPerS(dirtyRateBytesPerS)
                .bandwidthBytesPerS(bandwidthBytesPerS)
                .bandwidthLimitBytesPerS(bandwidthLimitBytesPerS)
                .downtimeLimitMs(downtimeLimitMs)
                .maxThrottlePct(maxThrottlePct)
                .digestVerified(digestVerified)
                .appOpsPerSBefore(appOpsPerSBefore)
                .appOpsPerSDuring(appOpsPerSDuring)
                .appOpsLost(appOpsLost)
                .appWorkLostPct(appWorkLostPct)
                .appliedDirtyLimitBytesPerS(appliedDirtyLimitBytesPerS)
                .stopReason(stopReason)
                .convergence(convergence)
                .convergenceReason(convergenceReason)
                .convergencePredictedDowntimeMs(convergencePredictedDowntimeMs)
                .convergenceRound(convergenceRound)
                .cpuModel(cpuModel)
                .maxThrottleSleepMs(maxThrottleSleepMs)
                .sourceGuestVerified(sourceGuestVerified)
                .channels(channels)
                .compression(compression)
                .compressionRatio(compressionRatio)
                .wireBytes(wireBytes)
                .deltaPages(deltaPages)
                .deltaCacheMisses(deltaCacheMisses)
                .error(error)
                .clockUncertaintyMs(clockUncertaintyMs)
                .clockOffsetMs(clockOffsetMs)
                .wallClockOffsetMs(wallClockOffsetMs)
                .opLatencyUsP50Before(opLatencyUsP50Before)
                .opLatencyUsP99Before(opLatencyUsP99Before)
                .opLatencyUsP50During(opLatencyUsP50During)
                .opLatencyUsP99During(opLatencyUsP99During)
                .opLatencyUsP999During(opLatencyUsP999During)
                .opLatencyUsMaxDuring(opLatencyUsMaxDuring)
                .opLatencyUsP50After(opLatencyUsP50After)
                .opLatencyUsP99After(opLatencyUsP99After)
                .opLatencyUsMaxAfter(opLatencyUsMaxAfter)
                .roundsDetail(roundsDetail)
                .opLatencyTimeline(opLatencyTimeline)
                .postcopy(postcopy)
                .prediction(prediction)
                .rehearsalMs(rehearsalMs);
    }

    @JsonIgnore
    public boolean completed() { return status == MigrationStatus.COMPLETED; }

    public MigrationStats withSourceGuestVerified(boolean verified) {
        return toBuilder().sourceGuestVerified(verified).build();
    }

    /** Named steps for the {@link MigrationStats} figures; {@link #build()} requires a status. */
    public static final class Builder {
        private MigrationStatus status;
        private String policy;
        private long memoryBytes;
        private int pageSize;
        private int vcpus;
        private String workload;
        private int rounds;
        private double totalTimeMs;
        private double setupTimeMs;
        private double downtimeMs = -1;
        private double appDowntimeMs = -1;
        private double pauseMs;
        private double finalTransferMs;
        private double verifyMs;
        private double resumeMs;
        private long transferredBytes;
        private long normalPages;
        private long zeroPages;
        private double dirtyRateBytesPerS;
        private double bandwidthBytesPerS;
        private double bandwidthLimitBytesPerS;
        private double downtimeLimitMs;
        private double maxThrottlePct;
        private boolean digestVerified;
        private double appOpsPerSBefore;
        private double appOpsPerSDuring;
        private long appOpsLost;
        private double appWorkLostPct;
        private double appliedDirtyLimitBytesPerS;
        private StopReason stopReason;
        private Convergence convergence;
        private String convergenceReason;
        private Double convergencePredictedDowntimeMs;
        private Integer convergenceRound;
        private String cpuModel;
        private double maxThrottleSleepMs;
        private Boolean sourceGuestVerified;
        private int channels = 1;
        private String compression;
        private double compressionRatio = 1;
        private long wireBytes;
        private long deltaPages;
        private long deltaCacheMisses;
        private String error;
        private List<RoundStats> roundsDetail = List.of();
        private double clockUncertaintyMs = -1;
        private double clockOffsetMs = 0;
        private double wallClockOffsetMs = 0;
        private double opLatencyUsP50Before = -1;
        private double opLatencyUsP99Before = -1;
        private double opLatencyUsP50During = -1;
        private double opLatencyUsP99During = -1;
        private double opLatencyUsP999During = -1;
        private double opLatencyUsMaxDuring = -1;
        private double opLatencyUsP50After = -1;
        private double opLatencyUsP99After = -1;
        private double opLatencyUsMaxAfter = -1;
        private List<LatencyPoint> opLatencyTimeline;
        private PostcopyStats postcopy = PostcopyStats.none(MigrationMode.PRECOPY);
        private PredictionStats prediction;
        private Double rehearsalMs;

        private Builder() {}

        public Builder status(MigrationStatus status) { this.status = status; return this; }
        public Builder policy(String policy) { this.policy = policy; return this; }
        public Builder memoryBytes(long memoryBytes) { this.memoryBytes = memoryBytes; return this; }
        public Builder pageSize(int pageSize) { this.pageSize = pageSize; return this; }
        public Builder vcpus(int vcpus) { this.vcpus = vcpus; return this; }
        public Builder workload(String workload) { this.workload = workload; return this; }
        public Builder rounds(int rounds) { this.rounds = rounds; return this; }
        public Builder totalTimeMs(double totalTimeMs) { this.totalTimeMs = totalTimeMs; return this; }
        public Builder setupTimeMs(double setupTimeMs) { this.setupTimeMs = setupTimeMs; return this; }
        public Builder downtimeMs(double downtimeMs) { this.downtimeMs = downtimeMs; return this; }
        public Builder appDowntimeMs(double appDowntimeMs) { this.appDowntimeMs = appDowntimeMs; return this; }
        public Builder pauseMs(double pauseMs) { this.pauseMs = pauseMs; return this; }
        public Builder finalTransferMs(double finalTransferMs) { this.finalTransferMs = finalTransferMs; return this; }
        public Builder verifyMs(double verifyMs) { this.verifyMs = verifyMs; return this; }
        public Builder resumeMs(double resumeMs) { this.resumeMs = resumeMs; return this; }
        public Builder transferredBytes(long transferredBytes) { this.transferredBytes = transferredBytes; return this; }
        public Builder normalPages(long normalPages) { this.normalPages = normalPages; return this; }
        public Builder zeroPages(long zeroPages) { this.zeroPages = zeroPages; return this; }
        public Builder dirtyRateBytesPerS(double dirtyRateBytesPerS) { this.dirtyRateBytesPerS = dirtyRateBytesPerS; return this; }
        public Builder bandwidthBytesPerS(double bandwidthBytesPerS) { this.bandwidthBytesPerS = bandwidthBytesPerS; return this; }
        public Builder bandwidthLimitBytesPerS(double bandwidthLimitBytesPerS) { this.bandwidthLimitBytesPerS = bandwidthLimitBytesPerS; return this; }
        public Builder downtimeLimitMs(double downtimeLimitMs) { this.downtimeLimitMs = downtimeLimitMs; return this; }
        public Builder maxThrottlePct(double maxThrottlePct) { this.maxThrottlePct = maxThrottlePct; return this; }
        public Builder digestVerified(boolean digestVerified) { this.digestVerified = digestVerified; return this; }
        public Builder appOpsPerSBefore(double appOpsPerSBefore) { this.appOpsPerSBefore = appOpsPerSBefore; return this; }
        public Builder appOpsPerSDuring(double appOpsPerSDuring) { this.appOpsPerSDuring = appOpsPerSDuring; return this; }
        public Builder appOpsLost(long appOpsLost) { this.appOpsLost = appOpsLost; return this; }
        public Builder appWorkLostPct(double appWorkLostPct) { this.appWorkLostPct = appWorkLostPct; return this; }
        public Builder appliedDirtyLimitBytesPerS(double appliedDirtyLimitBytesPerS) { this.appliedDirtyLimitBytesPerS = appliedDirtyLimitBytesPerS; return this; }
        public Builder stopReason(StopReason stopReason) { this.stopReason = stopReason; return this; }
        public Builder convergence(Convergence convergence) { this.convergence = convergence; return this; }
        public Builder convergenceReason(String convergenceReason) { this.convergenceReason = convergenceReason; return this; }
        public Builder convergencePredictedDowntimeMs(Double ms) { this.convergencePredictedDowntimeMs = ms; return this; }
        public Builder convergenceRound(Integer convergenceRound) { this.convergenceRound = convergenceRound; return this; }
        public Builder cpuModel(String cpuModel) { this.cpuModel = cpuModel; return this; }
        public Builder maxThrottleSleepMs(double maxThrottleSleepMs) { this.maxThrottleSleepMs = maxThrottleSleepMs; return this; }
        public Builder sourceGuestVerified(Boolean sourceGuestVerified) { this.sourceGuestVerified = sourceGuestVerified; return this; }
        public Builder channels(int channels) { this.channels = channels; return this; }
        public Builder compression(String compression) { this.compression = compression; return this; }
        public Builder compressionRatio(double compressionRatio) { this.compressionRatio = compressionRatio; return this; }
        public Builder wireBytes(long wireBytes) { this.wireBytes = wireBytes; return this; }
        public Builder deltaPages(long deltaPages) { this.deltaPages = deltaPages; return this; }
        public Builder deltaCacheMisses(long deltaCacheMisses) { this.deltaCacheMisses = deltaCacheMisses; return this; }
        public Builder error(String error) { this.error = error; return this; }
        public Builder roundsDetail(List<RoundStats> roundsDetail) { this.roundsDetail = roundsDetail; return this; }
        public Builder clockUncertaintyMs(double clockUncertaintyMs) { this.clockUncertaintyMs = clockUncertaintyMs; return this; }
        public Builder clockOffsetMs(double clockOffsetMs) { this.clockOffsetMs = clockOffsetMs; return this; }
        public Builder wallClockOffsetMs(double wallClockOffsetMs) { this.wallClockOffsetMs = wallClockOffsetMs; return this; }
        public Builder opLatencyUsP50Before(double opLatencyUsP50Before) { this.opLatencyUsP50Before = opLatencyUsP50Before; return this; }
        public Builder opLatencyUsP99Before(double opLatencyUsP99Before) { this.opLatencyUsP99Before = opLatencyUsP99Before; return this; }
        public Builder opLatencyUsP50During(double opLatencyUsP50During) { this.opLatencyUsP50During = opLatencyUsP50During; return this; }
        public Builder opLatencyUsP99During(double opLatencyUsP99During) { this.opLatencyUsP99During = opLatencyUsP99During; return this; }
        public Builder opLatencyUsP999During(double opLatencyUsP999During) { this.opLatencyUsP999During = opLatencyUsP999During; return this; }
        public Builder opLatencyUsMaxDuring(double opLatencyUsMaxDuring) { this.opLatencyUsMaxDuring = opLatencyUsMaxDuring; return this; }
        public Builder opLatencyUsP50After(double opLatencyUsP50After) { this.opLatencyUsP50After = opLatencyUsP50After; return this; }
        public Builder opLatencyUsP99After(double opLatencyUsP99After) { this.opLatencyUsP99After = opLatencyUsP99After; return this; }
        public Builder opLatencyUsMaxAfter(double opLatencyUsMaxAfter) { this.opLatencyUsMaxAfter = opLatencyUsMaxAfter; return this; }
        public Builder opLatencyTimeline(List<LatencyPoint> opLatencyTimeline) { this.opLatencyTimeline = opLatencyTimeline; return this; }

        public Builder postcopy(PostcopyStats postcopy) { this.postcopy = postcopy; return this; }
        public Builder prediction(PredictionStats prediction) { this.prediction = prediction; return this; }
        public Builder rehearsalMs(Double rehearsalMs) { this.rehearsalMs = rehearsalMs; return this; }
        public MigrationStats build() {
            return new MigrationStats(status, policy, memoryBytes, pageSize, vcpus, workload, rounds, totalTimeMs, setupTimeMs, downtimeMs, appDowntimeMs, pauseMs, finalTransferMs, verifyMs, resumeMs, transferredBytes, normalPages, zeroPages, dirtyRateBytesPerS, bandwidthBytesPerS, bandwidthLimitBytesPerS, downtimeLimitMs, maxThrottlePct, digestVerified, appOpsPerSBefore, appOpsPerSDuring, appOpsLost, appWorkLostPct, appliedDirtyLimitBytesPerS, stopReason, convergence, convergenceReason, convergencePredictedDowntimeMs, convergenceRound, cpuModel, maxThrottleSleepMs, sourceGuestVerified, channels, compression, compressionRatio, wireBytes, deltaPages, deltaCacheMisses, error,
                    clockUncertaintyMs, clockOffsetMs, wallClockOffsetMs, opLatencyUsP50Before, opLatencyUsP99Before, opLatencyUsP50During, opLatencyUsP99During, opLatencyUsP999During, opLatencyUsMaxDuring, opLatencyUsP50After, opLatencyUsP99After, opLatencyUsMaxAfter,
                    roundsDetail, opLatencyTimeline, postcopy, prediction, rehearsalMs);
        }
    }
}
