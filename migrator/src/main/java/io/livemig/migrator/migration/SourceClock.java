package io.livemig.migrator.migration;

import io.livemig.migrator.clock.ClockOffset;
import io.livemig.migrator.clock.ClockOffsetEstimator;
import io.livemig.migrator.jfr.ClockSyncEvent;

/**
 * The source's clock-offset measurements: one after the destination accepted the guest, and one
 * when the guest has moved: after it resumed there ({@link Handover}), or just before a post-copy
 * switch (every round acknowledged, the link idle). The latest is the one the destination's readings
 * are converted with.
 */
final class SourceClock {
    private SourceClock() {}

    static ClockOffset measure(SourceSession session, String when) throws Exception {
        ClockSyncEvent event = new ClockSyncEvent();
        event.begin();
        ClockOffset offset = ClockSync.measure(session.connection, session.clock, ClockOffsetEstimator.DEFAULT_SAMPLES,
                session.options.replyTimeout());
        session.clockOffset = offset;
        event.when = when;
        event.monotonicOffsetNanos = offset.monotonicOffsetNanos();
        event.wallOffsetMicros = offset.wallOffsetMicros();
        event.roundTripNanos = offset.roundTripNanos();
        event.samples = offset.samples();
        event.commit();
        return offset;
    }
}
