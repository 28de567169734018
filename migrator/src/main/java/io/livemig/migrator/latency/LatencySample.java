package io.livemig.migrator.latency;

import io.livemig.migrator.protocol.LatencyReport.LatencySummary;

/**
 * The operations a guest completed in one sampling interval, {@code [startNanos, endNanos)} on the
 * monitor's monotonic clock, and their latencies.
 */
public record LatencySample(long startNanos, long endNanos, LatencyPhase phase, LatencySummary summary) {}
