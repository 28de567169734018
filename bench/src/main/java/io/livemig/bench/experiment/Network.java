package io.livemig.bench.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.livemig.migrator.netlab.LinkSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * One value of a matrix's {@code networks} axis: the link between source and destination. With
 * no shaping key it is the direct loopback link; otherwise the runner starts a {@code livemig proxy}
 * between them with these settings (keys as the proxy's options, in snake_case). Example:
 * <pre>
 * networks:
 *   - {name: lan}
 *   - {name: wan, latency: 20ms, bandwidth: 100m}
 *   - {name: flaky, bandwidth_schedule: "0s=100m,5s=10m,10s=100m", stall_at: "32m:2s"}
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Network(String name, String latency, String latencySchedule, String jitter, String bandwidth,
                      String bandwidthSchedule, String stallAt, String resetAt) {
    public static final Network DIRECT = new Network("direct", null, null, null, null, null, null, null);

    public Network {
        try {
            LinkSettings.fromText(latency, latencySchedule, jitter, bandwidth, bandwidthSchedule, stallAt, resetAt);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("matrix: network '" + name + "': " + e.getMessage(), e);
        }
        if (name == null || name.isBlank()) name = direct() ? "direct" : "proxy";
    }

    /** No shaping at all: the source connects to the destination itself. */
    public boolean direct() {
        return latency == null && latencySchedule == null && jitter == null && bandwidth == null
                && bandwidthSchedule == null && stallAt == null && resetAt == null;
    }

    /** The {@code livemig proxy} options after {@code --listen} and {@code --to}. */
    public List<String> proxyArgs() {
        List<String> args = new ArrayList<>();
        add(args, "--latency", latency);
        add(args, "--latency-schedule", latencySchedule);
        add(args, "--jitter", jitter);
        add(args, "--bandwidth", bandwidth);
        add(args, "--bandwidth-schedule", bandwidthSchedule);
        add(args, "--stall-at", stallAt);
        add(args, "--reset-at", resetAt);
        return args;
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) args.addAll(List.of(option, value));
    }
}
