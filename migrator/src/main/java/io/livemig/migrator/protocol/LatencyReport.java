package io.livemig.migrator.protocol;

import java.util.List;

/**
 * Destination to source: the guest's operation latencies over its first {@code windowNanos} on the
 * destination (the "after" phase), as a summary (operations, p50, p99, p99.9, max, in nanoseconds)
 * and as a timeline of sampling intervals, in nanoseconds since the resume.
 */
public record LatencyReport(long windowNanos, LatencySummary summary, List<Interval> intervals) implements Message {
    /** At most this many intervals (a minute at the 100 ms sampling period). */
    public static final int MAX_INTERVALS = 600;

    /** Operations and latency percentiles of one span of time, in nanoseconds. */
    public record LatencySummary(long ops, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos) {
        public LatencySummary {
            ProtocolLimits.checkRange("ops", ops, 0, Long.MAX_VALUE);
            ProtocolLimits.checkRange("p50Nanos", p50Nanos, 0, Long.MAX_VALUE);
            ProtocolLimits.checkRange("p99Nanos", p99Nanos, 0, Long.MAX_VALUE);
            ProtocolLimits.checkRange("p999Nanos", p999Nanos, 0, Long.MAX_VALUE);
            ProtocolLimits.checkRange("maxNanos", maxNanos, 0, Long.MAX_VALUE);
        }
    }

    /** One sampling interval, {@code [startNanos, endNanos)} in nanoseconds since the resume, and its summary. */
    public record Interval(long startNanos, long endNanos, LatencySummary summary) {
        public Interval {
            ProtocolLimits.checkRange("startNanos", startNanos, 0, Long.MAX_VALUE);
            ProtocolLimits.checkRange("endNanos", endNanos, startNanos, Long.MAX_VALUE);
        }
    }

    public LatencyReport {
        ProtocolLimits.checkRange("windowNanos", windowNanos, 0, LatencyRequest.MAX_WINDOW_NANOS);
        ProtocolLimits.checkRange("intervals", intervals.size(), 0, MAX_INTERVALS);
        intervals = List.copyOf(intervals);
    }

    @Override
    public MessageType type() {
        return MessageType.LATENCY_REPORT;
    }
}
