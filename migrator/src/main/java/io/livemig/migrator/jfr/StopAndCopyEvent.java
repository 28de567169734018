package io.livemig.migrator.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The stop-and-copy on the source: from the pause request until the destination answered READY. */
@Name("io.livemig.StopAndCopy")
@Label("Stop-and-Copy")
@Category({"livemig", "Migration"})
@Description("The guest paused: the last dirty pages, the vCPU states and the memory digest sent, until READY")
@StackTrace(false)
public final class StopAndCopyEvent extends Event {
    @Label("Pages Sent")
    public long pagesSent;

    @Label("Bytes Sent")
    @DataAmount
    public long bytesSent;

    @Label("Pause Latency")
    @Description("From the pause request until every vCPU was parked at a safe point")
    @Timespan
    public long pauseNanos;

    @Label("Final Transfer")
    @Timespan
    public long finalTransferNanos;

    @Label("Verification")
    @Description("From the end of the transfer until READY: the destination's load and digest check")
    @Timespan
    public long verifyNanos;
}
