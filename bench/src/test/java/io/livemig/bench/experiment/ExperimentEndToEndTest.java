package io.livemig.bench.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.stats.StatsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code experiment} on bench/matrices/quick.yaml: real dest and source JVMs over loopback. */
class ExperimentEndToEndTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void quickMatrixWritesEveryOutput(@TempDir Path out) throws Exception {
        Path matrixFile = Path.of("matrices", "quick.yaml");
        int runs = Matrix.read(matrixFile).cells().size();

        int exit = new CommandLine(new ExperimentCommand()).execute("--matrix", matrixFile.toString(), "--out", out.toString());

        assertEquals(0, exit, "every quick run completes with its digest verified");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(runs + 1, csv.size(), "header plus one row per run");
        assertTrue(csv.get(0).startsWith("run,repetition,policy,"), csv.get(0));
        assertTrue(csv.get(0).contains("downtime_ms") && csv.get(0).contains("app_downtime_ms"), csv.get(0));

        JsonNode json = StatsJson.mapper().readTree(out.resolve("results.json").toFile());
        assertEquals(runs, json.size());
        for (JsonNode row : json) {
            assertEquals("completed", row.path("run_status").asText(), row.toString());
            assertTrue(row.path("digest_verified").asBoolean());
            assertTrue(row.path("rounds_detail").size() >= 1);
        }
        List<String> rounds = Files.readAllLines(out.resolve("rounds.csv"));
        assertTrue(rounds.size() > runs, "at least one round per run");

        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| none |") && report.contains("| cpu-scheduling |"), report);

        try (var files = Files.list(out)) {
            List<Path> pngs = files.filter(p -> p.toString().endsWith(".png")).toList();
            assertTrue(pngs.size() >= 1, "at least one chart");
            for (Path png : pngs) {
                byte[] bytes = Files.readAllBytes(png);
                assertTrue(bytes.length > 2000, png + " is " + bytes.length + " bytes");
                assertTrue(Arrays.equals(PNG_MAGIC, Arrays.copyOf(bytes, 8)), png + " has no PNG header");
                assertTrue(report.contains(png.getFileName().toString()), "report shows " + png.getFileName());
            }
        }
    }
}
