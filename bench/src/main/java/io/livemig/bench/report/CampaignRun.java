package io.livemig.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.StatsJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of the fault campaign: a {@code livemig dest}, a {@code livemig proxy} in front of it and
 * a {@code livemig source} migrating through the proxy, each its own JVM; one fault; then both
 * sides' accounts decide the {@link CampaignOutcome}.
 */
final class CampaignRun {
    /** How the run ended. {@code resolution}: for an in-doubt source, what became of the guest. */
    record Result(int run, CampaignFault fault, CampaignOutcome outcome, String resolution, String reason, double seconds) {}

    static final String WORKLOAD = "memwrite:wss=24m,rate=8m";
    static final String STALL_TIMEOUT = "5s";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOURCE_EXIT = Duration.ofSeconds(150);

    private CampaignRun() {}

    static Result run(int run, CampaignFault fault, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path sourceJson = dir.resolve("source.json");
        long t0 = System.nanoTime();
        ChildJvm dest = null;
        ChildJvm proxy = null;
        ChildJvm source = null;
        try {
            dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "2s",
                    "--stall-timeout", STALL_TIMEOUT));
            int destPort = dest.awaitListening(START);
            List<String> proxyArgs = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:" + destPort));
            proxyArgs.addAll(fault.proxyArgs());
            proxy = ChildJvm.livemig("proxy", proxyArgs);
            int port = proxy.awaitListening(START);
            CountDownLatch migrating = new CountDownLatch(1);
            source = ChildJvm.start("source", ChildJvm.MAIN_CLASS, List.of("source", "--memory", "64m", "--vcpus", "1",
                    "--workload", WORKLOAD, "--policy", "cpu-scheduling", "--to", "127.0.0.1:" + port, "--migrate-after", "500ms",
                    "--stall-timeout", STALL_TIMEOUT, "--timeout", "60s", "--stats-json", sourceJson.toString()), null, line -> {
                if (line.contains("livemig source: migrating")) migrating.countDown();
            });
            if (fault.killAfterMs() >= 0 && migrating.await(START.toSeconds(), TimeUnit.SECONDS)) {
                Thread.sleep(fault.killAfterMs());
                switch (fault.kind()) {
                    case PROXY_KILLED -> proxy.kill();
                    case DEST_KILLED -> dest.kill();
                    case SOURCE_KILLED -> source.kill();
                    default -> throw new IllegalStateException("not a kill: " + fault.kind());
                }
            }
            Integer exit = source.awaitExit(SOURCE_EXIT);
            if (exit == null) return result(run, fault, CampaignOutcome.HUNG, "", "no exit within " + SOURCE_EXIT.toSeconds() + " s", t0);
            // A guest that arrived runs for --run-for 2s, then the destination verifies it and exits.
            Thread.sleep(3000);
            boolean destRan = dest.output().contains("is running here");
            if (destRan && dest.isAlive()) dest.awaitExit(Duration.ofSeconds(30));
            boolean destVerified = dest.output().contains("verify passed");
            JsonNode stats = Files.isRegularFile(sourceJson) ? StatsJson.mapper().readTree(sourceJson.toFile()) : null;
            Files.writeString(dir.resolve("dest.out"), dest.output());
            Files.writeString(dir.resolve("proxy.out"), proxy.output());
            Files.writeString(dir.resolve("source.out"), source.output());
            return classify(run, fault, stats, destRan, destVerified, t0);
        } finally {
            if (source != null) source.close();
            if (proxy != null) proxy.close();
            if (dest != null) dest.close();
        }
    }

    private static Result classify(int run, CampaignFault fault, JsonNode stats, boolean destRan, boolean destVerified, long t0) {
        CampaignFault.Kind kind = fault.kind();
        if (kind == CampaignFault.Kind.SOURCE_KILLED && stats == null) {
            if (destRan && destVerified) return result(run, fault, CampaignOutcome.COMPLETED, "", "the handover finished before the kill", t0);
            if (destRan) return result(run, fault, CampaignOutcome.LOST, "", "the destination ran the guest but its check failed", t0);
            return result(run, fault, CampaignOutcome.DIED_WITH_PROCESS, "", "the destination never started its partial copy", t0);
        }
        if (stats == null) return result(run, fault, CampaignOutcome.LOST, "", "the source wrote no stats", t0);
        String status = stats.path("status").asText();
        String error = stats.path("error").asText("");
        boolean sourceRuns = stats.path("source_guest_verified").asBoolean(false);
        if (status.equals("completed")) {
            if (destRan && destVerified) return result(run, fault, CampaignOutcome.COMPLETED, "", error, t0);
            if (kind == CampaignFault.Kind.DEST_KILLED) {
                return result(run, fault, CampaignOutcome.DIED_WITH_PROCESS, "", "completed, then the destination was killed", t0);
            }
            return result(run, fault, CampaignOutcome.LOST, "", "the source completed but the destination did not run the guest", t0);
        }
        if (error.startsWith("in doubt")) {
            String resolution = destRan ? "the destination runs it; the source's paused copy is to be dropped"
                    : kind == CampaignFault.Kind.DEST_KILLED ? "the destination died; the source's paused copy is the only one: resume it"
                    : "the destination never started it: resume the source's paused copy";
            return result(run, fault, CampaignOutcome.IN_DOUBT, resolution, error, t0);
        }
        if (destRan && sourceRuns) return result(run, fault, CampaignOutcome.TWO_COPIES, "", error, t0);
        if (sourceRuns && !destRan) return result(run, fault, CampaignOutcome.FAILED_SAFE, "", error, t0);
        return result(run, fault, CampaignOutcome.LOST, "", "failed (" + error + ") and the source's guest was not verified running", t0);
    }

    private static Result result(int run, CampaignFault fault, CampaignOutcome outcome, String resolution, String reason, long t0) {
        return new Result(run, fault, outcome, resolution, reason.replace('\n', ' '), (System.nanoTime() - t0) / 1e9);
    }
}
