package io.livemig.migrator.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One clock-offset exchange with the destination (at setup, and after the resume there, or before a post-copy switch). */
@Name("io.livemig.ClockSync")
@Label("Clock Sync")
@Category({"livemig", "Migration"})
@Description("The offsets between the destination's clocks and the source's, from the sample with the smallest round trip")
@StackTrace(false)
public final class ClockSyncEvent extends Event {
    @Label("When")
    @Description("setup, after-resume or switch-over (post-copy)")
    public String when;

    @Label("Monotonic Offset")
    @Description("Destination monotonic clock minus the source's")
    @Timespan
    public long monotonicOffsetNanos;

    @Label("Wall-clock Offset")
    @Description("Destination wall clock minus the source's")
    @Timespan(Timespan.MICROSECONDS)
    public long wallOffsetMicros;

    @Label("Best Round Trip")
    @Timespan
    public long roundTripNanos;

    @Label("Samples")
    public int samples;
}
