package io.livemig.migrator.cli;

/**
 * What {@code livemig run --stats-json} writes (snake_case keys; a contract: extend, never rename).
 * {@code opLatencyUs...}: the guest's operation latencies over the run, as it lived them (throttle
 * sleeps included), in microseconds. Built by name with {@link #builder()}.
 */
public record RunStats(String workload, long memoryBytes, int vcpus, double capPct, double durationS, long ops,
                       double opsPerS, double dirtyRateBytesPerS, double cpuSharePct, boolean verified,
                       String verifyDetail, double opLatencyUsP50, double opLatencyUsP99, double opLatencyUsP999,
                       double opLatencyUsMax) {

    public static Builder builder() {
        return new Builder();
    }

    /** Named steps for the {@link RunStats} figures; a figure never set is 0, false or null. */
    public static final class Builder {
        private String workload;
        private long memoryBytes;
        private int vcpus;
        private double capPct;
        private double durationS;
        private long ops;
        private double opsPerS;
        private double dirtyRateBytesPerS;
        private double cpuSharePct;
        private boolean verified;
        private String verifyDetail;
        private double opLatencyUsP50;
        private double opLatencyUsP99;
        private double opLatencyUsP999;
        private double opLatencyUsMax;

        private Builder() {}

        public Builder workload(String workload) { this.workload = workload; return this; }
        public Builder memoryBytes(long memoryBytes) { this.memoryBytes = memoryBytes; return this; }
        public Builder vcpus(int vcpus) { this.vcpus = vcpus; return this; }
        public Builder capPct(double capPct) { this.capPct = capPct; return this; }
        public Builder durationS(double durationS) { this.durationS = durationS; return this; }
        public Builder ops(long ops) { this.ops = ops; return this; }
        public Builder opsPerS(double opsPerS) { this.opsPerS = opsPerS; return this; }
        public Builder dirtyRateBytesPerS(double dirtyRateBytesPerS) { this.dirtyRateBytesPerS = dirtyRateBytesPerS; return this; }
        public Builder cpuSharePct(double cpuSharePct) { this.cpuSharePct = cpuSharePct; return this; }
        public Builder verified(boolean verified) { this.verified = verified; return this; }
        public Builder verifyDetail(String verifyDetail) { this.verifyDetail = verifyDetail; return this; }
        public Builder opLatencyUsP50(double us) { this.opLatencyUsP50 = us; return this; }
        public Builder opLatencyUsP99(double us) { this.opLatencyUsP99 = us; return this; }
        public Builder opLatencyUsP999(double us) { this.opLatencyUsP999 = us; return this; }
        public Builder opLatencyUsMax(double us) { this.opLatencyUsMax = us; return this; }

        public RunStats build() {
            return new RunStats(workload, memoryBytes, vcpus, capPct, durationS, ops, opsPerS, dirtyRateBytesPerS, cpuSharePct,
                    verified, verifyDetail, opLatencyUsP50, opLatencyUsP99, opLatencyUsP999, opLatencyUsMax);
        }
    }
}
