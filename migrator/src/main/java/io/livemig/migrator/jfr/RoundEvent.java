package io.livemig.migrator.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Frequency;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.StackTrace;

/** One pre-copy round on the source, from its first page to the destination's acknowledgement. */
@Name("io.livemig.Round")
@Label("Pre-copy Round")
@Category({"livemig", "Migration"})
@Description("One pre-copy round: the pages of the last sync sent and acknowledged, the pages dirtied meanwhile, and the throttle in force")
@StackTrace(false)
public final class RoundEvent extends Event {
    @Label("Round")
    public int round;

    @Label("Pages Sent")
    public long pagesSent;

    @Label("Bytes Sent")
    @DataAmount
    public long bytesSent;

    @Label("Pages Dirtied")
    @Description("Pages the guest dirtied during the round: what the next round must send")
    public long dirtyPages;

    @Label("Dirty Rate")
    @DataAmount
    @Frequency
    public long dirtyRateBytesPerSecond;

    @Label("Transfer Rate")
    @DataAmount
    @Frequency
    public long transferRateBytesPerSecond;

    @Label("Throttle")
    @Description("The vCPUs' CPU share taken away during the round (0 = none)")
    @Percentage
    public double throttle;
}
