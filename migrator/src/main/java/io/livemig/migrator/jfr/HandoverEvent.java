package io.livemig.migrator.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The handover: on the source from COMMIT until RESUMED, with the downtime figures of the
 * migration; on the destination from COMMIT received until the guest ran and RESUMED was sent.
 */
@Name("io.livemig.Handover")
@Label("Handover")
@Category({"livemig", "Migration"})
@Description("COMMIT to RESUMED, with the migration's downtime in the source's time base")
@StackTrace(false)
public final class HandoverEvent extends Event {
    @Label("Side")
    @Description("source or destination")
    public String side;

    @Label("Downtime")
    @Description("Source pause to destination running, in the source's time base (-1 if unknown)")
    @Timespan
    public long downtimeNanos;

    @Label("Application Downtime")
    @Description("The guest's last operation on the source to its first on the destination (-1 if unknown)")
    @Timespan
    public long appDowntimeNanos;

    @Label("Clock Uncertainty")
    @Description("Half the round trip of the clock sample the downtime was converted with")
    @Timespan
    public long clockUncertaintyNanos;
}
