package io.livemig.migrator.migration;

import io.livemig.migrator.latency.Latencies;
import io.livemig.migrator.latency.LatencyMonitor;
import io.livemig.migrator.latency.LatencyPhase;
import io.livemig.migrator.latency.LatencySample;
import io.livemig.migrator.protocol.LatencyReport;
import io.livemig.migrator.protocol.LatencyReport.LatencySummary;
import io.livemig.migrator.protocol.LatencyRequest;
import io.livemig.migrator.stats.LatencyPoint;
import io.livemig.migrator.stats.MigrationStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The guest's operation latencies through one migration, as the source reports them: "before"
 * (the baseline window, when the caller measured one), "during" (from the start of the migration
 * until the guest ran on the destination: pre-copy on the source, then the operation in flight on
 * each vCPU across the pause, counted once at the application downtime) and "after" (the
 * destination's report of the guest's first {@code latencyWindow} there, converted into the
 * source's time base).
 */
final class SourceLatency {
    private final SourceSession session;
    private final LatencyMonitor monitor;
    private LatencySummary after;
    private final List<LatencyPoint> afterPoints = new ArrayList<>();

    SourceLatency(SourceSession session) {
        this.session = session;
        LatencyMonitor carried = session.baseline.latency();
        this.monitor = carried != null ? carried : LatencyMonitor.start(session.vm, session.clock, LatencyPhase.BEFORE);
        monitor.enter(LatencyPhase.DURING);
    }

    /** The guest paused here: no more periodic samples (nothing here runs); the last one comes after the handover. */
    void paused() {
        monitor.stopSampling();
    }

    /**
     * The guest runs on the destination: its last operations here end the source's part of "during"
     * at the pause (taken now, out of the downtime), and the operation each vCPU had in flight then
     * waited the application downtime (the host downtime when its first operation there is unknown).
     */
    void resumedThere(long pauseStartNanos, long resumeSourceNanos, double appDowntimeMs) {
        monitor.sampleUntil(pauseStartNanos);
        long stallNanos = appDowntimeMs >= 0 ? (long) (appDowntimeMs * 1e6) : resumeSourceNanos - pauseStartNanos;
        monitor.addStall(LatencyPhase.DURING, pauseStartNanos, resumeSourceNanos, stallNanos, session.vm.config().vcpus());
        monitor.close();
    }

    /**
     * The last exchange of a completed migration: asks the destination for the guest's latencies over
     * its first {@code latencyWindow} there and waits for them (0: tells it none are wanted).
     */
    void collectAfter(long resumeSourceNanos) throws Exception {
        long windowNanos = session.options.latencyWindow().toNanos();
        session.connection.send(new LatencyRequest(windowNanos));
        if (windowNanos == 0) return;
        session.connection.allowIdle(); // quiet by design for the window; the reply timeout below still bounds it
        java.time.Duration timeout = session.options.replyTimeout().plusNanos(windowNanos);
        LatencyReport report = Replies.expect(session.connection, LatencyReport.class, timeout, "the latency report");
        after = report.summary();
        for (LatencyReport.Interval interval : report.intervals()) {
            afterPoints.add(point(resumeSourceNanos + interval.startNanos(), resumeSourceNanos + interval.endNanos(),
                    LatencyPhase.AFTER, interval.summary()));
        }
    }

    void close() {
        monitor.close();
    }

    /** Adds the latency figures and the timeline to the stats. */
    void report(MigrationStats.Builder stats) {
        LatencySummary before = monitor.summary(LatencyPhase.BEFORE);
        LatencySummary during = monitor.summary(LatencyPhase.DURING);
        stats.opLatencyUsP50Before(micros(before, before.p50Nanos()))
                .opLatencyUsP99Before(micros(before, before.p99Nanos()))
                .opLatencyUsP50During(micros(during, during.p50Nanos()))
                .opLatencyUsP99During(micros(during, during.p99Nanos()))
                .opLatencyUsP999During(micros(during, during.p999Nanos()))
                .opLatencyUsMaxDuring(micros(during, during.maxNanos()));
        if (after != null) {
            stats.opLatencyUsP50After(micros(after, after.p50Nanos()))
                    .opLatencyUsP99After(micros(after, after.p99Nanos()))
                    .opLatencyUsMaxAfter(micros(after, after.maxNanos()));
        }
        List<LatencyPoint> timeline = new ArrayList<>();
        for (LatencySample s : monitor.samples()) timeline.add(point(s.startNanos(), s.endNanos(), s.phase(), s.summary()));
        timeline.addAll(afterPoints);
        stats.opLatencyTimeline(timeline);
    }

    private LatencyPoint point(long startNanos, long endNanos, LatencyPhase phase, LatencySummary s) {
        long origin = session.timeline.startNanos;
        return new LatencyPoint(Millis.of(startNanos - origin), Millis.of(endNanos - origin), phase.label(), s.ops(),
                Latencies.micros(s.p50Nanos()), Latencies.micros(s.p99Nanos()), Latencies.micros(s.maxNanos()));
    }

    /** Microseconds, or -1 when the phase saw no operation. */
    private static double micros(LatencySummary s, long nanos) {
        return s.ops() == 0 ? -1 : Latencies.micros(nanos);
    }
}
