package io.livemig.migrator.cli;

import io.livemig.migrator.netlab.LinkSettings;
import io.livemig.migrator.netlab.Proxy;
import io.livemig.migrator.transport.HostPort;
import io.livemig.workloads.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code livemig proxy}: a shaping, fault-injecting TCP relay between a source and a destination. */
@Command(name = "proxy", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Relays every TCP connection from --listen to --to through one shaped link: added latency and jitter, a bandwidth limit (fixed or over time), and one-shot faults (a stall, a reset). Point a source's --to at it. Runs until interrupted (or for --run-for); prints each fault as it fires and the bytes relayed at the end."},
        footer = {"", "Schedules: TIME=VALUE entries, e.g. --bandwidth-schedule 0s=100m,5s=10m,10s=100m: 100 MiB/s from the first connection, 10 MiB/s from 5 s on, 100 MiB/s again from 10 s on. The first entry is at 0s; each holds until the next, the last for ever. Byte counts (--stall-at, --reset-at) are of the client-to-server direction, over all connections."})
final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "Where to listen (port 0 picks a free port; the chosen one is printed).")
    HostPort listen;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "Where to relay each connection (the destination).")
    HostPort to;

    @Option(names = "--latency", paramLabel = "DURATION",
            description = "Added round-trip time: each direction is delayed by half of it (default 0).")
    String latency;

    @Option(names = "--latency-schedule", paramLabel = "SCHEDULE",
            description = "Added round-trip time over time, e.g. 0s=0ms,3s=500ms,4s=0ms (a latency spike); instead of --latency.")
    String latencySchedule;

    @Option(names = "--jitter", paramLabel = "DURATION",
            description = "The round trip varies uniformly within +-jitter/2 (byte order is kept) (default: none).")
    String jitter;

    @Option(names = "--bandwidth", paramLabel = "RATE",
            description = "Bytes per second in each direction, shared by all connections (default: unlimited).")
    String bandwidth;

    @Option(names = "--bandwidth-schedule", paramLabel = "SCHEDULE",
            description = "Bandwidth over time, e.g. 0s=100m,5s=10m,10s=100m (see below); instead of --bandwidth.")
    String bandwidthSchedule;

    @Option(names = "--stall-at", paramLabel = "BYTES:DURATION",
            description = "Once BYTES went from client to server, carry nothing either way for DURATION (once), e.g. 64m:5s.")
    String stallAt;

    @Option(names = "--reset-at", paramLabel = "BYTES",
            description = "Reset every open connection (TCP RST to both ends) at this client-to-server byte (once); later connections pass.")
    String resetAt;

    @Option(names = "--run-for", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "Stop after this long (default: until interrupted).")
    Duration runFor;

    @Override
    public Integer call() throws Exception {
        LinkSettings settings = settings();
        Proxy proxy;
        try {
            proxy = Proxy.start(listen, to, settings, line -> {
                System.err.println("livemig proxy: " + line);
                System.err.flush();
            });
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
        Thread report = new Thread(() -> {
            try {
                long[] c = proxy.counters();
                System.out.printf("livemig proxy: relayed %d connection(s), %d bytes to %s, %d bytes back%n", c[2], c[0], to, c[1]);
                System.out.flush();
            } catch (Exception ignored) {
                // stopping: nothing more to say
            }
            proxy.close();
        }, "proxy-stop");
        Runtime.getRuntime().addShutdownHook(report);
        System.out.println("livemig proxy: listening on " + proxy.localAddress().getAddress().getHostAddress() + ":"
                + proxy.localAddress().getPort() + ", relaying to " + to + " " + describe(settings));
        System.out.flush();
        if (runFor == null) {
            Thread.currentThread().join();
        } else {
            Thread.sleep(runFor.toMillis());
            Runtime.getRuntime().removeShutdownHook(report);
            report.run();
        }
        return Cli.EXIT_OK;
    }

    private LinkSettings settings() {
        try {
            return LinkSettings.fromText(latency, latencySchedule, jitter, bandwidth, bandwidthSchedule, stallAt, resetAt);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UsageException(e.getMessage().replace("latency_schedule", "--latency-schedule")
                    .replace("bandwidth_schedule", "--bandwidth-schedule").replace("give latency", "give --latency")
                    .replace("give bandwidth", "give --bandwidth"));
        }
    }

    private static String describe(LinkSettings s) {
        StringBuilder b = new StringBuilder("(");
        b.append("latency ").append(s.latency().isConstant() ? s.latency().valueAt(0) / 1_000_000.0 + " ms" : s.latency() + " (round trip)");
        if (s.jitterNanos() > 0) b.append(" +-").append(s.jitterNanos() / 2_000_000.0).append(" ms");
        b.append(", bandwidth ").append(s.bandwidth().isConstant()
                ? s.bandwidth().valueAt(0) == 0 ? "unlimited" : Sizes.human(s.bandwidth().valueAt(0)) + "/s" : s.bandwidth().toString());
        if (s.stallAtBytes() >= 0) b.append(", stall at byte ").append(s.stallAtBytes()).append(" for ").append(s.stallNanos() / 1_000_000).append(" ms");
        if (s.resetAtBytes() >= 0) b.append(", reset at byte ").append(s.resetAtBytes());
        return b.append(")").toString();
    }
}
