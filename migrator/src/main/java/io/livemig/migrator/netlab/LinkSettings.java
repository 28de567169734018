package io.livemig.migrator.netlab;

import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.List;

/**
 * How the proxy shapes its link and which one-shot faults it injects.
 *
 * @param bandwidth      bytes per second over time, each direction (0 = unlimited)
 * @param latency        added round-trip time over time, in nanoseconds: each direction is delayed by half
 * @param jitterNanos    the round trip varies uniformly within +-jitter/2 (each direction +-jitter/4); order is kept
 * @param stallAtBytes   once this many bytes went from client to server (over all connections), the link
 *                       carries nothing, either way, for {@code stallNanos}; -1: never
 * @param stallNanos     how long the stall lasts
 * @param resetAtBytes   the client-to-server byte at which every open connection is reset (RST, both
 *                       ends); bytes before it are delivered; connections opened later pass; -1: never
 */
public record LinkSettings(Schedule bandwidth, Schedule latency, long jitterNanos, long stallAtBytes, long stallNanos,
                           long resetAtBytes) {

    /** A perfect link: no delay, no limit, no fault. */
    public static final LinkSettings DIRECT = new LinkSettings(Schedule.constant(0), Schedule.constant(0), 0, -1, 0, -1);

    public LinkSettings {
        if (jitterNanos < 0) throw new IllegalArgumentException("jitter must be >= 0");
        if (stallAtBytes >= 0 && stallNanos <= 0) throw new IllegalArgumentException("a stall needs a positive duration");
    }

    public LinkSettings withBandwidth(Schedule schedule) {
        return new LinkSettings(schedule, latency, jitterNanos, stallAtBytes, stallNanos, resetAtBytes);
    }

    public LinkSettings withLatency(Schedule schedule) {
        return new LinkSettings(bandwidth, schedule, jitterNanos, stallAtBytes, stallNanos, resetAtBytes);
    }

    public LinkSettings withJitter(long nanos) {
        return new LinkSettings(bandwidth, latency, nanos, stallAtBytes, stallNanos, resetAtBytes);
    }

    public LinkSettings withStall(long atBytes, long nanos) {
        return new LinkSettings(bandwidth, latency, jitterNanos, atBytes, nanos, resetAtBytes);
    }

    public LinkSettings withReset(long atBytes) {
        return new LinkSettings(bandwidth, latency, jitterNanos, stallAtBytes, stallNanos, atBytes);
    }

    /** {@code BYTES:DURATION}, e.g. {@code 64m:5s}. */
    public static long[] parseStall(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--stall-at: expected BYTES:DURATION such as 64m:5s, got '" + text + "'");
        }
        long bytes = Sizes.parseSize(text.substring(0, colon).strip());
        long micros = Sizes.parseDurationMicros(text.substring(colon + 1).strip());
        if (micros <= 0) throw new IllegalArgumentException("--stall-at: the stall must last longer than 0, got '" + text + "'");
        return new long[] {bytes, micros * 1000};
    }

    /** The {@code livemig proxy} options that give these settings (after --listen and --to). */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        if (!bandwidth.isConstant()) args.addAll(List.of("--bandwidth-schedule", bandwidth.toString()));
        else if (bandwidth.valueAt(0) > 0) args.addAll(List.of("--bandwidth", Long.toString(bandwidth.valueAt(0))));
        if (!latency.isConstant()) args.addAll(List.of("--latency-schedule", latency.toString()));
        else if (latency.valueAt(0) > 0) args.addAll(List.of("--latency", latency.valueAt(0) / 1000 + "us"));
        if (jitterNanos > 0) args.addAll(List.of("--jitter", jitterNanos / 1000 + "us"));
        if (stallAtBytes >= 0) args.addAll(List.of("--stall-at", stallAtBytes + ":" + stallNanos / 1000 + "us"));
        if (resetAtBytes >= 0) args.addAll(List.of("--reset-at", Long.toString(resetAtBytes)));
        return args;
    }
}
