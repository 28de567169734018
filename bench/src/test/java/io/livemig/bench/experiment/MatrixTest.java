package io.livemig.bench.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixTest {
    @Test
    void jsonMatrixIsACartesianProductWithRepetitionOutermost(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, """
                {"workloads": ["memwrite:wss=8m,rate=32m", "idle"], "memory": ["32m"], "bandwidths": ["16m", "32m"],
                 "policies": ["none", "cpu-scheduling"], "repetitions": 2, "seeds": [7]}""");
        List<Matrix.Cell> cells = Matrix.read(f).cells();
        assertEquals(2 * 2 * 2 * 2, cells.size());
        assertEquals(1, cells.get(7).repetition());
        assertEquals(2, cells.get(8).repetition());
        assertEquals("memwrite:wss=8m,rate=32m,seed=7", cells.get(0).workload());
        assertEquals("idle:seed=7", cells.get(4).workload());
        assertEquals(2.0, cells.get(0).nominalRatio());
        assertEquals(cells.get(0).key(), cells.get(8).key());
    }

    @Test
    void groupsAreProductsOfTheirOwnAxesCrossedWithThePolicies(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, """
                memory: [256m]
                groups:
                  - {workloads: ["memwrite:wss=254m"], bandwidths: ["0", "128m"]}
                  - {workloads: ["memwrite:wss=1016m"], memory: [1g], bandwidths: ["0"]}
                  - {workloads: ["hotcold:wss=200m"], vcpus: [2], bandwidths: ["0"], downtime_limits: [30ms]}
                policies: [none, dirty-limit]
                source_args: ["--cpu-model", "linear"]
                """);
        Matrix m = Matrix.read(f);
        List<Matrix.Cell> cells = m.cells();
        assertEquals((2 + 1 + 1) * 2, cells.size());
        assertEquals("256m", cells.get(0).memory());
        assertEquals("1g", cells.get(4).memory());
        assertEquals(2, cells.get(6).vcpus());
        assertEquals("30ms", cells.get(6).downtimeLimit());
        assertEquals("300ms", cells.get(0).downtimeLimit());
        assertEquals(List.of("--cpu-model", "linear"), m.sourceArgs());
    }

    @Test
    void aGroupWithoutAWorkloadAnywhereIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "memory: [32m]\ngroups:\n  - {bandwidths: [16m]}\npolicies: [none]\n");
        assertThrows(IllegalArgumentException.class, () -> Matrix.read(f));
    }

    @Test
    void shippedMatricesParse() {
        assertEquals(60, Matrix.read(Path.of("matrices", "paper.yaml")).cells().size()); // 4 workloads x 5 policies (auto included) x 3
        assertEquals(2, Matrix.read(Path.of("matrices", "quick.yaml")).cells().size());
        assertEquals(24, Matrix.read(Path.of("matrices", "postcopy.yaml")).cells().size());
        assertEquals(12, Matrix.read(Path.of("matrices", "postcopy-1g.yaml")).cells().size());
        assertEquals(48, Matrix.read(Path.of("matrices", "postcopy-paper.yaml")).cells().size());
        assertEquals(5 * 5 * 3, Matrix.read(Path.of("matrices", "saturated.yaml")).cells().size()); // 5 cells x 5 policies (auto included) x 3
        assertEquals(3, Matrix.read(Path.of("matrices", "network.yaml")).cells().size());
        Matrix cold = Matrix.read(Path.of("matrices", "first-migration.yaml"));
        Matrix rehearsed = Matrix.read(Path.of("matrices", "first-migration-rehearsed.yaml"));
        assertEquals(18, cold.cells().size());
        assertEquals(cold.cells(), rehearsed.cells(), "the same runs, rehearsed or not");
        assertFalse(cold.rehearse());
        assertTrue(rehearsed.rehearse());
    }

    @Test
    void aMatrixRehearsesOnlyWhenItSaysSo(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\npolicies: [none]\n");
        assertFalse(Matrix.read(f).rehearse());
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\npolicies: [none]\nrehearse: true\n");
        assertTrue(Matrix.read(f).rehearse());
    }

    @Test
    void modesMultiplyPlainPoliciesAndAPolicyMayNameItsOwnMode(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\n"
                + "policies: [cpu-scheduling, none+postcopy]\nmodes: [precopy, hybrid]\n");
        Matrix matrix = Matrix.read(f);
        List<Matrix.Cell> cells = matrix.cells();
        assertEquals(List.of("cpu-scheduling", "cpu-scheduling+hybrid", "none+postcopy"), cells.stream().map(Matrix.Cell::label).toList());
        assertEquals(List.of("precopy", "hybrid", "postcopy"), cells.stream().map(Matrix.Cell::mode).toList());
        assertEquals("none", cells.get(2).policy());
        assertEquals(matrix.labels(), cells.stream().map(Matrix.Cell::label).toList());

        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\npolicies: [none]\nmode: postcopy\n");
        assertEquals("postcopy", Matrix.read(f).cells().get(0).mode());
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\npolicies: [none]\nmodes: [sideways]\n");
        assertThrows(IllegalArgumentException.class, () -> Matrix.read(f));
    }

    @Test
    void networksAreAnAxisAndAShapedOneNamesItsProxyOptions(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, """
                workloads: [idle]
                memory: [32m]
                bandwidths: [0]
                policies: [none]
                networks:
                  - {name: lan}
                  - {name: wan, latency: 20ms, bandwidth: 100m}
                  - {name: flaky, bandwidth_schedule: "0s=100m,5s=10m,10s=100m", stall_at: "32m:2s", reset_at: 48m}
                """);
        List<Matrix.Cell> cells = Matrix.read(f).cells();
        assertEquals(3, cells.size());
        assertEquals(true, cells.get(0).network().direct());
        assertEquals(List.of("--latency", "20ms", "--bandwidth", "100m"), cells.get(1).network().proxyArgs());
        assertEquals(List.of("--bandwidth-schedule", "0s=100m,5s=10m,10s=100m", "--stall-at", "32m:2s", "--reset-at", "48m"),
                cells.get(2).network().proxyArgs());
        assertEquals("idle 32m 1vcpu 0 300ms none via wan", cells.get(1).key());
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [0]\npolicies: [none]\n"
                + "networks: [{name: bad, bandwidth_schedule: \"5s=10m\"}]\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Matrix.read(f));
        assertEquals(true, bad.getMessage().contains("first entry must be at 0s"), bad.getMessage());
    }

    @Test
    void missingAxisAndUnknownKeyAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\n");
        assertThrows(IllegalArgumentException.class, () -> Matrix.read(f));
        Files.writeString(f, "workloads: [idle]\nmemory: [32m]\nbandwidths: [16m]\npolicies: [none]\ncolour: red\n");
        assertThrows(IllegalArgumentException.class, () -> Matrix.read(f));
    }
}
