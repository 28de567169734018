package io.livemig.migrator.jfr;

import java.util.List;

/** The names of livemig's own flight-recorder events. */
public final class MigrationEvents {
    public static final List<String> NAMES = List.of("io.livemig.Round", "io.livemig.StopAndCopy", "io.livemig.ThrottleChange",
            "io.livemig.Handover", "io.livemig.PageFault", "io.livemig.ChannelTransfer", "io.livemig.ClockSync");

    private MigrationEvents() {}
}
