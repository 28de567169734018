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

/** A convergence policy changed the guest's CPU caps or dirty-page limit after a round. */
@Name("io.livemig.ThrottleChange")
@Label("Throttle Change")
@Category({"livemig", "Migration"})
@Description("A convergence policy changed the vCPUs' CPU cap or dirty-page limit")
@StackTrace(false)
public final class ThrottleChangeEvent extends Event {
    @Label("Policy")
    public String policy;

    @Label("After Round")
    public int round;

    @Label("Throttle Before")
    @Description("CPU share taken away from the most throttled vCPU before the change")
    @Percentage
    public double throttleBefore;

    @Label("Throttle After")
    @Percentage
    public double throttleAfter;

    @Label("Dirty Limit Before")
    @Description("Per-vCPU dirty-page limit before the change (0 = none)")
    @DataAmount
    @Frequency
    public long dirtyLimitBeforeBytesPerSecond;

    @Label("Dirty Limit After")
    @DataAmount
    @Frequency
    public long dirtyLimitAfterBytesPerSecond;
}
