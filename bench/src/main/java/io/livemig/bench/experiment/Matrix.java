package io.livemig.bench.experiment;

import com.fasterxml.jackson.annotation.JsonAlias;
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
 * modes: [precopy]            # precopy (default), postcopy, hybrid; also accepted as 'mode'
 * postcopy_after: auto        # hybrid's switch: a number of rounds or auto; not given: the source's default
 *                             # (auto), and an auto cell may choose a switch round of its own
 * </pre>
 * A policy may carry its own mode, {@code POLICY+MODE} (e.g. {@code none+postcopy}): it then runs in
 * that mode only, while plain policies run in every mode of {@code modes}. So
 * {@code policies: [cpu-scheduling, dirty-limit, none+postcopy, none+hybrid]} compares four series.
 * <pre>
 * repetitions: 1
 * seeds: [1]
 * migrate_after: 1s
 * run_for: 1s
 * max_rounds: 30
 * run_timeout: 120s
 * </pre>
 * Cells that are not a product (a 1 GiB guest on one link only, beside 256 MiB guests on three)
 * are listed under {@code groups}: each group is a small product of its own axes (workloads,
 * memory, vcpus, bandwidths, downtime_limits; any it leaves out come from the top level), and
 * the runs are every group's cells crossed with the policies, modes, seeds and repetitions:
 * <pre>
 * groups:
 *   - {workloads: ["memwrite:wss=254m,pattern=sequential"], memory: [256m], bandwidths: [0, 128m, 32m]}
 *   - {workloads: ["memwrite:wss=254m,pattern=sequential"], memory: [1g], bandwidths: [0]}
 * source_args: ["--cpu-model", "linear"]
 * </pre>
 * {@code source_args} are added to every {@code livemig source} command line.
 * <pre>
 * networks: [{name: lan}, {name: wan, latency: 20ms, bandwidth: 100m}]   # optional; see Network
 * </pre>
 * {@code networks} is one more axis: the link each cell runs on, directly or through a
 * {@code livemig proxy} with the network's settings.
 * <pre>
 * rehearse: true
 * </pre>
 * {@code rehearse} gives both sides {@code --rehearse} (default false): each JVM migrates a toy guest
 * to itself before the run's migration, which then runs on compiled code.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Matrix(String name, List<String> workloads, List<String> memory, List<Integer> vcpus,
                     List<String> bandwidths, List<String> downtimeLimits, List<String> policies,
                     @JsonAlias("mode") List<String> modes, String postcopyAfter,
                     Integer repetitions, List<Long> seeds, String migrateAfter, String runFor,
                     Integer maxRounds, String runTimeout, List<Group> groups, List<String> sourceArgs,
                     List<Network> networks, Boolean rehearse) {
    /** The modes a matrix may name, as {@code livemig source --mode} spells them. */
    public static final List<String> MODES = List.of("precopy", "postcopy", "hybrid");

    /** A product of its own axes within a matrix; an axis it leaves out is taken from the matrix. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Group(List<String> workloads, List<String> memory, List<Integer> vcpus, List<String> bandwidths,
                        List<String> downtimeLimits) {}

    public Matrix {
        name = name == null ? "experiment" : name;
        vcpus = vcpus == null || vcpus.isEmpty() ? List.of(1) : List.copyOf(vcpus);
        downtimeLimits = downtimeLimits == null || downtimeLimits.isEmpty() ? List.of("300ms") : List.copyOf(downtimeLimits);
        sourceArgs = sourceArgs == null ? List.of() : List.copyOf(sourceArgs);
        networks = networks == null || networks.isEmpty() ? List.of(Network.DIRECT) : List.copyOf(networks);
        rehearse = rehearse != null && rehearse;
        List<Group> filled = new ArrayList<>();
        for (Group g : groups == null || groups.isEmpty() ? List.of(new Group(null, null, null, null, null)) : groups) {
            Group f = new Group(or(g.workloads(), workloads), or(g.memory(), memory), or(g.vcpus(), vcpus),
                    or(g.bandwidths(), bandwidths), or(g.downtimeLimits(), downtimeLimits));
            require(f.workloads(), "workloads");
            require(f.memory(), "memory");
            require(f.bandwidths(), "bandwidths");
            f.memory().forEach(Sizes::parseSize);
            f.bandwidths().forEach(Sizes::parseRate);
            f.downtimeLimits().forEach(Sizes::parseDurationMicros);
            filled.add(f);
        }
        groups = List.copyOf(filled);
        require(policies, "policies");
        modes = modes == null || modes.isEmpty() ? List.of("precopy") : List.copyOf(modes);
        for (String m : modes) {
            if (!MODES.contains(m)) throw new IllegalArgumentException("matrix: mode '" + m + "' is not one of " + MODES);
        }
        for (String p : policies) {
            int plus = p.indexOf('+');
            if (plus >= 0 && !MODES.contains(p.substring(plus + 1))) {
                throw new IllegalArgumentException("matrix: policy '" + p + "' names a mode that is not one of " + MODES);
            }
        }
        repetitions = repetitions == null ? 1 : repetitions;
        if (repetitions < 1) throw new IllegalArgumentException("matrix: repetitions must be >= 1");
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        migrateAfter = migrateAfter == null ? "1s" : migrateAfter;
        runFor = runFor == null ? "1s" : runFor;
        maxRounds = maxRounds == null ? 30 : maxRounds;
        runTimeout = runTimeout == null ? "300s" : runTimeout;
        Sizes.parseDurationMicros(migrateAfter);
        Sizes.parseDurationMicros(runFor);
        Sizes.parseDurationMicros(runTimeout);
    }

    private static <T> List<T> or(List<T> axis, List<T> fallback) {
        return axis == null || axis.isEmpty() ? fallback : List.copyOf(axis);
    }

    private static void require(List<?> axis, String key) {
        if (axis == null || axis.isEmpty()) throw new IllegalArgumentException("matrix: '" + key + "' must list at least one value");
    }

    /** Reads a matrix: JSON when the file name ends in .json, YAML otherwise. */
    public static Matrix read(Path file) {
        ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY); // mode: postcopy, as well as modes: [postcopy]
        try {
            return mapper.readValue(file.toFile(), Matrix.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read matrix " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Every series a report shows: each policy with each mode (see {@link Cell#label()}). */
    public List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (String entry : policies)
            for (String mode : modesOf(entry)) labels.add(new Cell(0, "", "", 1, "", "", policyOf(entry), mode, 1, null).label());
        return labels;
    }

    private static String policyOf(String entry) {
        int plus = entry.indexOf('+');
        return plus < 0 ? entry : entry.substring(0, plus);
    }

    private List<String> modesOf(String entry) {
        int plus = entry.indexOf('+');
        return plus < 0 ? modes : List.of(entry.substring(plus + 1));
    }

    /** Every run, in order. */
    public List<Cell> cells() {
        List<Long> seedAxis = seeds.isEmpty() ? java.util.Collections.singletonList(null) : seeds;
        List<Cell> cells = new ArrayList<>();
        for (int rep = 1; rep <= repetitions; rep++)
            for (Group g : groups)
                for (String w : g.workloads())
                    for (String mem : g.memory())
                        for (int cpus : g.vcpus())
                            for (String bw : g.bandwidths())
                                for (String dl : g.downtimeLimits())
                                    for (Network net : networks)
                                        for (Long seed : seedAxis)
                                            for (String entry : policies)
                                                for (String mode : modesOf(entry))
                                                    cells.add(new Cell(cells.size() + 1, withSeed(w, seed), mem, cpus, bw, dl,
                                                            policyOf(entry), mode, rep, seed, net));
        return cells;
    }

    private static String withSeed(String workload, Long seed) {
        if (seed == null || workload.contains("seed=")) return workload;
        return workload + (workload.contains(":") ? "," : ":") + "seed=" + seed;
    }

    /** One run's parameters. {@code ratio} is the nominal dirty rate (the workload's {@code rate}) over the bandwidth. */
    public record Cell(int run, String workload, String memory, int vcpus, String bandwidth, String downtimeLimit,
                       String policy, String mode, int repetition, Long seed, Network network) {
        public Cell {
            network = network == null ? Network.DIRECT : network;
        }

        /** A cell on the direct link. */
        public Cell(int run, String workload, String memory, int vcpus, String bandwidth, String downtimeLimit,
                    String policy, String mode, int repetition, Long seed) {
            this(run, workload, memory, vcpus, bandwidth, downtimeLimit, policy, mode, repetition, seed, Network.DIRECT);
        }

        public long bandwidthBytesPerS() { return Sizes.parseRate(bandwidth); }

        /** The workload's {@code rate=} over the bandwidth, or NaN when the spec names no rate. */
        public double nominalRatio() {
            for (String kv : workload.substring(workload.indexOf(':') + 1).split(","))
                if (kv.startsWith("rate=")) return (double) Sizes.parseRate(kv.substring(5)) / bandwidthBytesPerS();
            return Double.NaN;
        }

        /** The cell without its repetition: runs with the same key are repetitions of one another. */
        public String key() {
            String key = String.join(" ", workload.replaceAll(",?seed=\\d+", ""), memory, vcpus + "vcpu", bandwidth, downtimeLimit, label());
            return network.name().equals(Network.DIRECT.name()) ? key : key + " via " + network.name();
        }

        /** The policy, and the mode unless it is pre-copy: how charts and tables name a series ("none+postcopy"). */
        public String label() {
            return "precopy".equals(mode) ? policy : policy + "+" + mode;
        }
    }
}
