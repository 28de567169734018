package io.livemig.migrator.policy;

/**
 * How {@code cpu-scheduling} predicts what a guest dirties at a CPU cap ({@code --cpu-model}).
 * <ul>
 *   <li>{@code linear}: the paper's model. The dirty rate is proportional to the CPU share: at cap
 *   c' the guest dirties D x c'/c bytes per second, D measured over the last round at cap c.</li>
 *   <li>{@code working-set}: the pages dirtied in a round depend on the CPU time the guest got in
 *   it, through its writable working-set curve W(tau) (measured by the emulator over every round):
 *   a round of T seconds at cap c leaves W(c x T) pages. Holds for write-saturated guests too, whose
 *   dirty set stops growing with the round long before the round ends.</li>
 * </ul>
 */
public enum CpuModel {
    LINEAR("linear"),
    WORKING_SET("working-set");

    private final String cliName;

    CpuModel(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in the stats. */
    public String cliName() { return cliName; }

    @Override
    public String toString() { return cliName; }

    public static CpuModel parse(String name) {
        for (CpuModel m : values()) if (m.cliName.equals(name)) return m;
        throw new IllegalArgumentException("unknown CPU model '" + name + "'; known: linear, working-set");
    }
}
