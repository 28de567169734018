package io.livemig.migrator.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Post-copy: a vCPU touched a page the destination did not have yet and waited for it. The event's
 * duration is the fault's latency. Hook, on the thread that waits:
 * <pre>
 *   PageFaultEvent fault = new PageFaultEvent();
 *   fault.begin();
 *   ... request the page, wait until it is loaded ...
 *   fault.pageIndex = page; fault.vcpu = vcpu; fault.bytes = pageSize;
 *   fault.commit();          // costs nothing when the event is not enabled
 * </pre>
 */
@Name("io.livemig.PageFault")
@Label("Post-copy Page Fault")
@Category({"livemig", "Migration", "Post-copy"})
@Description("A vCPU waited for a page fetched on demand from the source; the duration is the fault latency")
@StackTrace(false)
public final class PageFaultEvent extends Event {
    @Label("Page Index")
    public long pageIndex;

    @Label("vCPU")
    public int vcpu;

    @Label("Page Size")
    @DataAmount
    public long bytes;
}
