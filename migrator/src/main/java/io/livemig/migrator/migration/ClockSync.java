package io.livemig.migrator.migration;

import io.livemig.migrator.clock.ClockOffset;
import io.livemig.migrator.clock.ClockOffsetEstimator;
import io.livemig.migrator.clock.ClockSample;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.protocol.ClockProbe;
import io.livemig.migrator.protocol.ClockReply;
import io.livemig.migrator.transport.Connection;

import java.time.Duration;

/**
 * The clock-offset exchange on a migration's connection: the source sends {@code samples}
 * {@link ClockProbe}s one after another, the destination answers each at once with a
 * {@link ClockReply}, and {@link ClockOffsetEstimator} keeps the sample with the smallest round trip.
 * The source runs it after the destination accepted the guest, and again once the guest resumed
 * there (or, before a post-copy switch, with every round acknowledged), when the link is idle; it
 * costs {@code samples} round trips, none of them inside the downtime, and none while the guest runs
 * on toward a stop-and-copy (it would dirty pages the stop-and-copy then sends).
 */
public final class ClockSync {
    private ClockSync() {}

    /** Source side. */
    public static ClockOffset measure(Connection connection, HostClock clock, int samples, Duration timeout)
            throws Exception {
        ClockOffsetEstimator estimator = new ClockOffsetEstimator();
        for (int i = 0; i < samples; i++) {
            long sentWall = clock.wallMicros();
            long sent = clock.monotonicNanos();
            connection.send(new ClockProbe(sent));
            ClockReply reply = Replies.expect(connection, ClockReply.class, timeout, "the clock exchange");
            long received = clock.monotonicNanos();
            long receivedWall = clock.wallMicros();
            if (reply.sourceNanos() != sent) {
                throw new MigrationException("protocol error: clock reply to probe " + reply.sourceNanos() + ", expected " + sent);
            }
            estimator.add(new ClockSample(sent, sentWall, reply.destinationNanos(), reply.destinationWallMicros(), received, receivedWall));
        }
        return estimator.estimate();
    }

    /** Destination side: the answer to one probe, with this host's clocks read now. */
    public static ClockReply answer(ClockProbe probe, HostClock clock) {
        long nanos = clock.monotonicNanos();
        return new ClockReply(probe.sourceNanos(), nanos, clock.wallMicros());
    }
}
