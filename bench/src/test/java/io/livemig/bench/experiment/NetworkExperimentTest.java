package io.livemig.bench.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A matrix cell on a shaped network: the runner puts a real {@code livemig proxy} JVM between source and destination. */
class NetworkExperimentTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCellWithANetworkMigratesThroughTheProxy(@TempDir Path out) throws Exception {
        Path matrixFile = out.resolve("m.yaml");
        Files.writeString(matrixFile, """
                workloads: ["memwrite:wss=4m,rate=4m"]
                memory: [16m]
                bandwidths: [0]
                policies: [none]
                networks: [{name: wan, latency: 40ms, bandwidth: 32m}]
                migrate_after: 300ms
                run_for: 300ms
                run_timeout: 60s
                """);
        Matrix matrix = Matrix.read(matrixFile);
        RunResult result = new ExperimentRunner(matrix).run(matrix.cells().get(0), out.resolve("run"));

        assertTrue(result.ok(), result.reason());
        assertTrue(Files.exists(out.resolve("run").resolve("proxy.err")), "a proxy ran");
        for (var round : result.stats().path("rounds_detail")) {
            if (round.path("stop_and_copy").asBoolean()) continue;
            // Every pre-copy round waits for its acknowledgement, a full round trip through the proxy.
            assertTrue(round.path("duration_ms").asDouble() >= 40, round.toString());
        }
        assertEquals("wan", ResultsWriter.row(result).path("network").asText());
    }
}
