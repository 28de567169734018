package io.livemig.migrator.stats;

/**
 * One sampling interval of the guest's operation latencies, an {@code op_latency_timeline} entry:
 * its start and end in milliseconds since the migration started (source time base; negative
 * before it), the phase (before, during, after), the operations completed in it and their latency
 * percentiles in microseconds.
 */
public record LatencyPoint(double startMs, double endMs, String phase, long ops, double p50Us, double p99Us, double maxUs) {}
