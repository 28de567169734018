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

    /**
     * Settings from the option texts of {@code livemig proxy} (each null when not given), checked
     * as the command checks them: one line saying what is wrong.
     */
    public static LinkSettings fromText(String latency, String latencySchedule, String jitter, String bandwidth,
                                        String bandwidthSchedule, String stallAt, String resetAt) {
        if (latency != null && latencySchedule != null) throw new IllegalArgumentException("give latency or latency_schedule, not both");
        if (bandwidth != null && bandwidthSchedule != null) throw new IllegalArgumentException("give bandwidth or bandwidth_schedule, not both");
        LinkSettings s = DIRECT;
        if (latency != null) s = s.withLatency(Schedule.constant(Sizes.parseDurationMicros(latency) * 1000));
        if (latencySchedule != null) s = s.withLatency(Schedule.parse(latencySchedule, "latency schedule", LinkSettings::nanos));
        if (jitter != null) s = s.withJitter(nanos(jitter));
        if (bandwidth != null) s = s.withBandwidth(Schedule.constant(rate(bandwidth)));
        if (bandwidthSchedule != null) s = s.withBandwidth(Schedule.parse(bandwidthSchedule, "bandwidth schedule", LinkSettings::rate));
        if (stallAt != null) {
            long[] stall = parseStall(stallAt);
            s = s.withStall(stall[0], stall[1]);
        }
        if (resetAt != null) s = s.withReset(Sizes.parseSize(resetAt));
        return s;
    }

    static long nanos(String duration) {
        return Math.multiplyExact(Sizes.parseDurationMicros(duration), 1000L);
    }

    /** A RATE, or {@code unlimited} (0). */
    static long rate(String rate) {
        return "unlimited".equalsIgnoreCase(rate.strip()) ? 0 : Sizes.parseRate(rate);
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
