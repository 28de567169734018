package io.livemig.migrator.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * What one transfer channel carried in one round (or in the stop-and-copy); the duration is the
 * time it spent sending. Hook, once per channel and round, on the channel's sending thread:
 * <pre>
 *   ChannelTransferEvent event = new ChannelTransferEvent();
 *   event.begin();
 *   ... send this channel's share of the round ...
 *   event.channel = index; event.round = round; event.pages = pages;
 *   event.bytes = payloadBytes; event.wireBytes = bytesOnTheWire;
 *   event.commit();
 * </pre>
 */
@Name("io.livemig.ChannelTransfer")
@Label("Channel Transfer")
@Category({"livemig", "Migration", "Transport"})
@Description("Pages and bytes one transfer channel sent in one round")
@StackTrace(false)
public final class ChannelTransferEvent extends Event {
    @Label("Channel")
    public int channel;

    @Label("Round")
    public int round;

    @Label("Pages")
    public long pages;

    @Label("Page Bytes")
    @Description("Guest bytes carried, before compression")
    @DataAmount
    public long bytes;

    @Label("Wire Bytes")
    @Description("Bytes on the wire, after compression and deltas")
    @DataAmount
    public long wireBytes;
}
