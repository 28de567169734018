package io.livemig.migrator.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.livemig.migrator.stats.MigrationStatus;

import java.util.Objects;

/**
 * What {@code livemig dest --stats-json} writes about the guest it received and ran. {@code status}
 * is {@code failed} when the digest check after resume found a mismatch and stopped the guest, or
 * when the guest was lost during post-copy; else {@code completed}, also when the digest is not
 * verified or the guest failed its own check (then {@code digestVerified} or {@code verified} is
 * false, and the exit status 1). {@code error} says why the digest is not verified when it is not.
 * {@code opLatencyUs...After}: the guest's operation latencies over the window the source asked
 * for after the resume (-1 when it asked for none); {@code clockSkewMs}: the {@code --clock-skew}
 * this destination ran with; {@code rehearsalMs}: the time of its {@code --rehearse}, absent without one
 * or when it failed. Built by name with {@link #builder()}: a figure never set is 0, false
 * or null (the three latencies: -1).
 */
public record DestStats(MigrationStatus status, String workload, long memoryBytes, int vcpus, int rounds, long pagesReceived,
                        long bytesReceived, double verifyMs, boolean digestVerified, double ranForS, long ops, double opsPerS, boolean verified,
                        String verifyDetail, String error, double opLatencyUsP50After, double opLatencyUsP99After,
                        double opLatencyUsMaxAfter, double clockSkewMs,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Double rehearsalMs) {

    public DestStats {
        Objects.requireNonNull(status, "status");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Named steps for the {@link DestStats} figures; {@link #build()} requires a status. */
    public static final class Builder {
        private MigrationStatus status;
        private String workload;
        private long memoryBytes;
        private int vcpus;
        private int rounds;
        private long pagesReceived;
        private long bytesReceived;
        private double verifyMs;
        private boolean digestVerified;
        private double ranForS;
        private long ops;
        private double opsPerS;
        private boolean verified;
        private String verifyDetail;
        private String error;
        private double opLatencyUsP50After = -1;
        private double opLatencyUsP99After = -1;
        private double opLatencyUsMaxAfter = -1;
        private double clockSkewMs;
        private Double rehearsalMs;

        private Builder() {}

        public Builder status(MigrationStatus status) { this.status = status; return this; }
        public Builder workload(String workload) { this.workload = workload; return this; }
        public Builder memoryBytes(long memoryBytes) { this.memoryBytes = memoryBytes; return this; }
        public Builder vcpus(int vcpus) { this.vcpus = vcpus; return this; }
        public Builder rounds(int rounds) { this.rounds = rounds; return this; }
        public Builder pagesReceived(long pagesReceived) { this.pagesReceived = pagesReceived; return this; }
        public Builder bytesReceived(long bytesReceived) { this.bytesReceived = bytesReceived; return this; }
        public Builder verifyMs(double verifyMs) { this.verifyMs = verifyMs; return this; }
        public Builder digestVerified(boolean digestVerified) { this.digestVerified = digestVerified; return this; }
        public Builder ranForS(double ranForS) { this.ranForS = ranForS; return this; }
        public Builder ops(long ops) { this.ops = ops; return this; }
        public Builder opsPerS(double opsPerS) { this.opsPerS = opsPerS; return this; }
        public Builder verified(boolean verified) { this.verified = verified; return this; }
        public Builder verifyDetail(String verifyDetail) { this.verifyDetail = verifyDetail; return this; }
        public Builder error(String error) { this.error = error; return this; }
        public Builder opLatencyUsP50After(double us) { this.opLatencyUsP50After = us; return this; }
        public Builder opLatencyUsP99After(double us) { this.opLatencyUsP99After = us; return this; }
        public Builder opLatencyUsMaxAfter(double us) { this.opLatencyUsMaxAfter = us; return this; }
        public Builder clockSkewMs(double clockSkewMs) { this.clockSkewMs = clockSkewMs; return this; }
        public Builder rehearsalMs(Double rehearsalMs) { this.rehearsalMs = rehearsalMs; return this; }

        public DestStats build() {
            return new DestStats(status, workload, memoryBytes, vcpus, rounds, pagesReceived, bytesReceived, verifyMs, digestVerified,
                    ranForS, ops, opsPerS, verified, verifyDetail, error, opLatencyUsP50After, opLatencyUsP99After,
                    opLatencyUsMaxAfter, clockSkewMs, rehearsalMs);
        }
    }
}
