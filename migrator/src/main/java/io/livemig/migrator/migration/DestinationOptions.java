package io.livemig.migrator.migration;

import io.livemig.emulator.GuestProgram;
import io.livemig.migrator.clock.HostClock;

import java.time.Duration;
import java.util.function.Function;

/**
 * The destination's knobs.
 *
 * @param maxMemoryBytes   the largest guest this destination accepts
 * @param messageTimeout   the longest silence from the source before the incoming migration is dropped
 * @param programs         turns a workload spec into the program that continues the guest; throws
 *                         IllegalArgumentException for a spec it does not know
 * @param firstOpWait      how long, after resuming, to wait for the guest's first operation (app downtime)
 * @param clock            this host's clocks: they answer the source's clock probes, time the resume
 *                         and drive the heartbeats of the guests that arrive ({@code --clock-skew})
 * @param preallocate      touch all of the guest's memory when accepting the offer (before round 0, in
 *                         the source's setup time), so the first touch of fresh memory is not paid by
 *                         the page loader while the source streams
 * @param keepsIoCodeFromC2 on accepting a pre-copy offer, keep this JVM's I/O code out of C2
 *                         ({@code IoCodeCompilation}); a rehearsal in a JVM that may switch to
 *                         post-copy does not
 */
public record DestinationOptions(long maxMemoryBytes, Duration messageTimeout,
                                 Function<String, GuestProgram> programs, Duration firstOpWait, HostClock clock,
                                 boolean preallocate, boolean keepsIoCodeFromC2) {
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FIRST_OP_WAIT = Duration.ofSeconds(2);
    public static final boolean DEFAULT_PREALLOCATE = true;

    /** I/O code kept out of C2 for a pre-copy guest (the default). */
    public DestinationOptions(long maxMemoryBytes, Duration messageTimeout, Function<String, GuestProgram> programs,
                              Duration firstOpWait, HostClock clock, boolean preallocate) {
        this(maxMemoryBytes, messageTimeout, programs, firstOpWait, clock, preallocate, true);
    }

    /** With this host's own clocks, memory preallocated at accept (the default). */
    public DestinationOptions(long maxMemoryBytes, Duration messageTimeout, Function<String, GuestProgram> programs,
                              Duration firstOpWait) {
        this(maxMemoryBytes, messageTimeout, programs, firstOpWait, HostClock.SYSTEM, DEFAULT_PREALLOCATE);
    }

    public DestinationOptions withClock(HostClock hostClock) {
        return new DestinationOptions(maxMemoryBytes, messageTimeout, programs, firstOpWait, hostClock, preallocate, keepsIoCodeFromC2);
    }

    /** Default {@code --max-memory}: half the machine's physical memory, leaving room for the rest. */
    public static long defaultMaxMemoryBytes() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize() / 2;
        return 4L << 30;
    }

    public static DestinationOptions defaults(Function<String, GuestProgram> programs) {
        return new DestinationOptions(defaultMaxMemoryBytes(), DEFAULT_MESSAGE_TIMEOUT, programs, DEFAULT_FIRST_OP_WAIT);
    }

    public DestinationOptions withPreallocate(boolean preallocate) {
        return new DestinationOptions(maxMemoryBytes, messageTimeout, programs, firstOpWait, clock, preallocate, keepsIoCodeFromC2);
    }

    public DestinationOptions withIoCodeKeptFromC2(boolean keep) {
        return new DestinationOptions(maxMemoryBytes, messageTimeout, programs, firstOpWait, clock, preallocate, keep);
    }
}
