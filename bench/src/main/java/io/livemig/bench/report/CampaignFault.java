package io.livemig.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One random fault of the campaign: through the proxy (its options) or to a process (killed with
 * SIGKILL some time after the migration began).
 *
 * @param kind        what goes wrong
 * @param proxyArgs   the proxy's options for this run, the base link included
 * @param killAfterMs for a process kill: how long after the source said it is migrating; else -1
 * @param detail      the fault's parameters, for the run's line
 */
record CampaignFault(Kind kind, List<String> proxyArgs, long killAfterMs, String detail) {
    enum Kind { RESET, STALL, BANDWIDTH_DROP, LATENCY_SPIKE, PROXY_KILLED, DEST_KILLED, SOURCE_KILLED }

    /** The link every run starts from: a few milliseconds of latency, a limit that makes the migration last a while. */
    static final String BASE_LATENCY = "2ms";
    static final long BASE_RATE_BYTES_PER_S = 32L << 20;
    /** About what the campaign's guest sends in all: the range the byte-triggered faults are drawn from. */
    static final long STREAM_BYTES = 24L << 20;
    /** Process kills land within this long after the migration began (it lasts 1-3 s on this link). */
    static final long KILL_WINDOW_MS = 3000;

    static CampaignFault random(Kind kind, SplittableRandom rnd) {
        List<String> args = new ArrayList<>(List.of("--latency", BASE_LATENCY));
        String rate = Long.toString(BASE_RATE_BYTES_PER_S);
        long kill = -1;
        String detail;
        switch (kind) {
            case RESET -> {
                long at = rnd.nextLong(64 << 10, STREAM_BYTES);
                args.addAll(List.of("--bandwidth", rate, "--reset-at", Long.toString(at)));
                detail = "reset at byte " + at;
            }
            case STALL -> {
                long at = rnd.nextLong(0, STREAM_BYTES);
                long ms = rnd.nextLong(1000, 10_000);
                args.addAll(List.of("--bandwidth", rate, "--stall-at", at + ":" + ms + "ms"));
                detail = "stall of " + ms + " ms at byte " + at;
            }
            case BANDWIDTH_DROP -> {
                long ms = rnd.nextLong(0, 1500);
                args.addAll(List.of("--bandwidth-schedule", "0s=" + rate + "," + ms + "ms=" + BASE_RATE_BYTES_PER_S / 10));
                detail = "bandwidth 10x lower from " + ms + " ms on";
            }
            case LATENCY_SPIKE -> {
                long from = rnd.nextLong(0, 1500);
                long spike = rnd.nextLong(100, 1000);
                long length = rnd.nextLong(500, 3000);
                args.remove(1);
                args.remove(0);
                args.addAll(List.of("--bandwidth", rate, "--latency-schedule",
                        "0s=" + BASE_LATENCY + "," + from + "ms=" + spike + "ms," + (from + length) + "ms=" + BASE_LATENCY));
                detail = "round trip " + spike + " ms from " + from + " ms for " + length + " ms";
            }
            default -> {
                kill = rnd.nextLong(0, KILL_WINDOW_MS);
                args.addAll(List.of("--bandwidth", rate));
                detail = "SIGKILL " + kill + " ms into the migration";
            }
        }
        return new CampaignFault(kind, List.copyOf(args), kill, detail);
    }
}
