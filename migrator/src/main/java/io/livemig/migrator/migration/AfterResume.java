package io.livemig.migrator.migration;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.latency.LatencyMonitor;
import io.livemig.migrator.latency.LatencyPhase;
import io.livemig.migrator.latency.LatencySample;
import io.livemig.migrator.protocol.LatencyReport;
import io.livemig.migrator.protocol.LatencyReport.LatencySummary;
import io.livemig.migrator.protocol.LatencyRequest;
import io.livemig.migrator.transport.Connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the destination tells the source of the guest's first moments here: its first operation and its latencies. */
final class AfterResume {
    private AfterResume() {}

    /** The wall-clock time of the guest's first operation since it resumed, waiting up to {@code wait}; 0 if none came. */
    static long awaitFirstOp(VirtualMachine vm, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long first;
        while ((first = vm.firstOpMicrosSinceResume()) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(0, 200_000);
        }
        return first;
    }

    /**
     * Answers the source's {@link LatencyRequest}: once {@code windowNanos} have passed since the
     * resume, the latencies over that window, as one summary and per sampling interval.
     *
     * @return the summary sent
     */
    static LatencySummary report(LatencyRequest request, LatencyMonitor latency, long resumedAtNanos, HostClock clock,
                                 Connection connection, Duration sendTimeout) throws Exception {
        connection.allowIdle(); // quiet by design for the window (up to 60 s, longer than a stall timeout may be)
        long wait = resumedAtNanos + request.windowNanos() - clock.monotonicNanos();
        if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        latency.close();
        LatencySummary summary = latency.summary(LatencyPhase.AFTER);
        List<LatencyReport.Interval> intervals = new ArrayList<>();
        for (LatencySample sample : latency.samples()) {
            if (intervals.size() == LatencyReport.MAX_INTERVALS) break;
            long start = Math.max(0, sample.startNanos() - resumedAtNanos);
            intervals.add(new LatencyReport.Interval(start, Math.max(start, sample.endNanos() - resumedAtNanos), sample.summary()));
        }
        connection.send(new LatencyReport(request.windowNanos(), summary, intervals)).await(sendTimeout.toMillis());
        return summary;
    }
}
