package io.livemig.migrator.cli;

/**
 * What {@code livemig run --stats-json} writes (snake_case keys; a contract: extend, never rename).
 * {@code opLatencyUs...}: the guest's operation latencies over the run, as it lived them (throttle
 * sleeps included), in microseconds.
 */
public record RunStats(String workload, long memoryBytes, int vcpus, double capPct, double durationS, long ops,
                       double opsPerS, double dirtyRateBytesPerS, double cpuSharePct, boolean verified,
                       String verifyDetail, double opLatencyUsP50, double opLatencyUsP99, double opLatencyUsP999,
                       double opLatencyUsMax) {}
