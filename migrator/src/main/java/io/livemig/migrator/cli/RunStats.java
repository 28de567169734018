package io.livemig.migrator.cli;

/** What {@code livemig run --stats-json} writes (snake_case keys; a contract: extend, never rename). */
public record RunStats(String workload, long memoryBytes, int vcpus, double capPct, double durationS, long ops,
                       double opsPerS, double dirtyRateBytesPerS, double cpuSharePct, boolean verified,
                       String verifyDetail) {}
