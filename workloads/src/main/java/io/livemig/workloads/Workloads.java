package io.livemig.workloads;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestProgram;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry of workloads: the one place listing names and keys. A spec is
 * {@code NAME[:key=value,...]}; {@link #parse} refuses unknown names, unknown keys and bad
 * values with one line that says what is accepted. {@link GuestProgram#spec()} of the result is
 * canonical (every key explicit), so a destination recreates exactly the same program.
 */
public final class Workloads {
    public static final long DEFAULT_SEED = 1;

    private record Entry(List<String> keys, Function<Params, Workload> factory) {}

    private static final Map<String, Entry> REGISTRY = Map.of(
            Idle.NAME, new Entry(Idle.KEYS, Idle::fromParams),
            MemWrite.NAME, new Entry(MemWrite.KEYS, MemWrite::fromParams),
            HotCold.NAME, new Entry(HotCold.KEYS, HotCold::fromParams),
            KvStore.NAME, new Entry(KvStore.KEYS, KvStore::fromParams),
            Stencil.NAME, new Entry(Stencil.KEYS, Stencil::fromParams));

    /** Workload names in the order they are listed to users. */
    public static final List<String> NAMES = List.of(Idle.NAME, MemWrite.NAME, HotCold.NAME, KvStore.NAME, Stencil.NAME);

    private Workloads() {}

    /** Parses a spec into a workload; throws {@link IllegalArgumentException} with one clear line. */
    public static Workload parse(String spec) {
        Spec parsed = Spec.parse(spec);
        Entry entry = REGISTRY.get(parsed.name());
        if (entry == null) {
            throw new IllegalArgumentException("unknown workload '" + parsed.name() + "'; known: " + String.join(", ", NAMES));
        }
        return entry.factory().apply(new Params(parsed.name(), parsed.params(), entry.keys()));
    }

    /** The keys a workload accepts, in the order its canonical spec lists them. */
    public static List<String> keys(String name) {
        Entry entry = REGISTRY.get(name);
        if (entry == null) throw new IllegalArgumentException("unknown workload " + Text.quote(name) + "; known: " + String.join(", ", NAMES));
        return entry.keys();
    }

    /** Guest memory the program needs in a guest of this shape (0 if it is not one of ours). */
    public static long requiredBytes(GuestProgram program, GuestConfig config) {
        return program instanceof Workload w ? w.requiredBytes(config.pageSize(), config.vcpus()) : 0;
    }

    /**
     * Refuses a guest the program does not fit, e.g. {@code memwrite wss 512 MiB does not fit in
     * 256 MiB guest (...)}. Boot makes the same check; call this before an incoming migration.
     */
    public static void checkFits(GuestProgram program, GuestConfig config) {
        if (program instanceof Workload w) w.checkFits(config.memoryBytes(), config.pageSize(), config.vcpus());
    }
}
