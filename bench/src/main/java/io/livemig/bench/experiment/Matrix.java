package io.livemig.bench.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.livemig.workloads.Sizes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment matrix, read from YAML or JSON (snake_case keys). Every list is one axis; the
 * runs are the cartesian product, repeated {@code repetitions} times (repetition outermost, so a
 * matrix cut short still covers every cell). Example:
 * <pre>
 * name: quick
 * workloads: ["memwrite:wss=16m,rate=64m"]
 * memory: [32m]
 * vcpus: [1]
 * bandwidths: [16m]
 * downtime_limits: [50ms]
 * policies: [none, cpu-scheduling]
 * repetitions: 1
 * seeds: [1]
 * migrate_after: 1s
 * run_for: 1s
 * max_rounds: 30
 * run_timeout: 120s
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Matrix(String name, List<String> workloads, List<String> memory, List<Integer> vcpus,
                     List<String> bandwidths, List<String> downtimeLimits, List<String> policies,
                     Integer repetitions, List<Long> seeds, String migrateAfter, String runFor,
                     Integer maxRounds, String runTimeout) {

    public Matrix {
        name = name == null ? "experiment" : name;
        require(workloads, "workloads");
        require(memory, "memory");
        vcpus = vcpus == null || vcpus.isEmpty() ? List.of(1) : List.copyOf(vcpus);
        require(bandwidths, "bandwidths");
        downtimeLimits = downtimeLimits == null || downtimeLimits.isEmpty() ? List.of("300ms") : List.copyOf(downtimeLimits);
        require(policies, "policies");
        repetitions = repetitions == null ? 1 : repetitions;
        if (repetitions < 1) throw new IllegalArgumentException("matrix: repetitions must be >= 1");
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        migrateAfter = migrateAfter == null ? "1s" : migrateAfter;
        runFor = runFor == null ? "1s" : runFor;
        maxRounds = maxRounds == null ? 30 : maxRounds;
        runTimeout = runTimeout == null ? "300s" : runTimeout;
        memory.forEach(Sizes::parseSize);
        bandwidths.forEach(Sizes::parseRate);
        downtimeLimits.forEach(Sizes::parseDurationMicros);
        Sizes.parseDurationMicros(migrateAfter);
        Sizes.parseDurationMicros(runFor);
        Sizes.parseDurationMicros(runTimeout);
    }

    private static void require(List<?> axis, String key) {
        if (axis == null || axis.isEmpty()) throw new IllegalArgumentException("matrix: '" + key + "' must list at least one value");
    }

    /** Reads a matrix: JSON when the file name ends in .json, YAML otherwise. */
    public static Matrix read(Path file) {
        ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return mapper.readValue(file.toFile(), Matrix.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read matrix " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Every run, in order. */
    public List<Cell> cells() {
        List<Long> seedAxis = seeds.isEmpty() ? java.util.Collections.singletonList(null) : seeds;
        List<Cell> cells = new ArrayList<>();
        for (int rep = 1; rep <= repetitions; rep++)
            for (String w : workloads)
                for (String mem : memory)
                    for (int cpus : vcpus)
                        for (String bw : bandwidths)
                            for (String dl : downtimeLimits)
                                for (Long seed : seedAxis)
                                    for (String policy : policies)
                                        cells.add(new Cell(cells.size() + 1, withSeed(w, seed), mem, cpus, bw, dl, policy, rep, seed));
        return cells;
    }

    private static String withSeed(String workload, Long seed) {
        if (seed == null || workload.contains("seed=")) return workload;
        return workload + (workload.contains(":") ? "," : ":") + "seed=" + seed;
    }

    /** One run's parameters. {@code ratio} is the nominal dirty rate (the workload's {@code rate}) over the bandwidth. */
    public record Cell(int run, String workload, String memory, int vcpus, String bandwidth, String downtimeLimit,
                       String policy, int repetition, Long seed) {
        public long bandwidthBytesPerS() { return Sizes.parseRate(bandwidth); }

        /** The workload's {@code rate=} over the bandwidth, or NaN when the spec names no rate. */
        public double nominalRatio() {
            for (String kv : workload.substring(workload.indexOf(':') + 1).split(","))
                if (kv.startsWith("rate=")) return (double) Sizes.parseRate(kv.substring(5)) / bandwidthBytesPerS();
            return Double.NaN;
        }

        /** The cell without its repetition: runs with the same key are repetitions of one another. */
        public String key() {
            return String.join(" ", workload.replaceAll(",?seed=\\d+", ""), memory, vcpus + "vcpu", bandwidth, downtimeLimit, policy);
        }
    }
}
