package io.livemig.bench.experiment;

import io.livemig.migrator.process.ChildJvm;
import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.stats.StatsJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Runs one cell as two real JVMs on loopback: a {@code dest} child and a {@code source} child, and,
 * for a shaped {@link Network}, a {@code proxy} child between them.
 */
public final class ExperimentRunner {
    static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEST_EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Matrix matrix;

    public ExperimentRunner(Matrix matrix) {
        this.matrix = matrix;
    }

    /** Runs the cell; every failure becomes a failed result with its reason. Both children are stopped on return. */
    public RunResult run(Matrix.Cell cell, Path runDir) throws InterruptedException {
        long startNs = System.nanoTime();
        Path sourceJson = runDir.resolve("source.json");
        Path destJson = runDir.resolve("dest.json");
        ChildJvm dest = null;
        ChildJvm proxy = null;
        ChildJvm source = null;
        String failure = null;
        try {
            Files.createDirectories(runDir);
            List<String> destArgs = new ArrayList<>(List.of("dest", "--listen", "127.0.0.1:0", "--run-for", matrix.runFor(),
                    "--stats-json", destJson.toString()));
            if (matrix.rehearse()) destArgs.add("--rehearse");
            dest = ChildJvm.start("dest", destArgs, runDir.resolve("dest.err"), null);
            int port = dest.awaitListening(LISTEN_TIMEOUT);
            if (!cell.network().direct()) {
                // The shaped link: source -> proxy -> destination, all on loopback.
                List<String> proxyArgs = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:" + port));
                proxyArgs.addAll(cell.network().proxyArgs());
                proxy = ChildJvm.start("proxy", proxyArgs, runDir.resolve("proxy.err"), null);
                port = proxy.awaitListening(LISTEN_TIMEOUT);
            }
            List<String> args = new ArrayList<>(List.of("source", "--memory", cell.memory(), "--vcpus", String.valueOf(cell.vcpus()),
                    "--workload", cell.workload(), "--to", "127.0.0.1:" + port, "--bandwidth", cell.bandwidth(),
                    "--policy", cell.policy(), "--downtime-limit", cell.downtimeLimit(), "--migrate-after", matrix.migrateAfter(),
                    "--max-rounds", String.valueOf(matrix.maxRounds()), "--stats-json", sourceJson.toString(),
                    // every run records the cost model's prediction beside what it measured (docs/estimate.md)
                    "--predict"));
            // given, it pins hybrid's switch for auto too (docs/estimate.md)
            if (matrix.postcopyAfter() != null) args.addAll(List.of("--postcopy-after", matrix.postcopyAfter()));
            // auto chooses its mode too, unless the matrix pins one (auto+hybrid)
            if (!cell.policy().equals("auto") || !cell.mode().equals("precopy")) args.addAll(List.of("--mode", cell.mode()));
            if (matrix.rehearse() && !matrix.sourceArgs().contains("--rehearse")) args.add("--rehearse");
            args.addAll(matrix.sourceArgs());
            source = ChildJvm.start("source", args, runDir.resolve("source.err"), null);
            Duration timeout = Duration.ofNanos(io.livemig.workloads.Sizes.parseDurationMicros(matrix.runTimeout()) * 1000);
            Integer exit = source.awaitExit(timeout);
            if (exit == null) failure = "source did not finish within " + matrix.runTimeout();
            else if (exit == 2) failure = "source refused its arguments: " + lastLine(runDir.resolve("source.err"));
            if (exit != null) dest.awaitExit(DEST_EXIT_TIMEOUT);
        } catch (IOException | TimeoutException | IllegalStateException e) {
            failure = e.getMessage();
        } finally {
            if (source != null) source.close();
            if (proxy != null) proxy.close();
            if (dest != null) dest.close();
        }
        double wallS = (System.nanoTime() - startNs) / 1e9;
        JsonNode stats = null;
        if (Files.isRegularFile(sourceJson)) {
            try {
                stats = StatsJson.mapper().readTree(sourceJson.toFile());
            } catch (IOException e) {
                failure = failure != null ? failure : "unreadable stats: " + e.getMessage();
            }
        }
        if (stats == null && failure == null) failure = "source wrote no stats: " + lastLine(runDir.resolve("source.err"));
        String status = stats != null ? stats.path("status").asText("failed") : "failed";
        boolean verified = stats != null && stats.path("digest_verified").asBoolean(false);
        boolean ok = failure == null && "completed".equals(status) && verified;
        String reason = failure != null ? failure
                : !"completed".equals(status) ? stats.path("error").asText(status)
                : !verified ? "digest not verified" : "";
        return new RunResult(cell, ok, ok ? "completed" : "failed", reason, wallS, stats);
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
        } catch (IOException ignored) {
            // no stderr file: nothing to quote
        }
        return "(no output)";
    }
}
