package io.livemig.migrator.estimate;

import io.livemig.migrator.stats.MigrationMode;

/**
 * One way to migrate: a convergence policy ({@code --policy}), a mode ({@code --mode}:
 * {@link #PRECOPY}, {@link #POSTCOPY}, {@link #HYBRID}) and, for hybrid, when it switches
 * ({@code --postcopy-after}: {@link #AS_CONFIGURED}, the migration's own setting, or a number of
 * rounds). Post-copy alone has no rounds, so its policy is always {@code none}.
 */
public record Candidate(String policy, String mode, int postcopyAfter) {
    /** {@code postcopyAfter}: the migration's own {@code --postcopy-after}. */
    public static final int AS_CONFIGURED = 0;

    /** {@link MigrationMode#word()} of each mode. */
    public static final String PRECOPY = "precopy";
    public static final String POSTCOPY = "postcopy";
    public static final String HYBRID = "hybrid";

    public Candidate {
        if (!mode.equals(PRECOPY) && !mode.equals(POSTCOPY) && !mode.equals(HYBRID)) {
            throw new IllegalArgumentException("unknown mode '" + mode + "'");
        }
        if (postcopyAfter < 0 || postcopyAfter > 0 && !mode.equals(HYBRID)) {
            throw new IllegalArgumentException("a switch round is for hybrid, and >= 1: " + postcopyAfter);
        }
    }

    /** The candidate with the migration's own switch setting. */
    public Candidate(String policy, String mode) {
        this(policy, mode, AS_CONFIGURED);
    }

    public boolean isPrecopy() {
        return mode.equals(PRECOPY);
    }

    /** The mode as the source runs it. */
    public MigrationMode migrationMode() {
        for (MigrationMode m : MigrationMode.values()) if (m.word().equals(mode)) return m;
        throw new IllegalStateException("unknown mode " + mode);
    }

    /** The candidate a fixed {@code --policy} and {@code --mode} run (post-copy alone has no policy to speak of). */
    public static Candidate of(String policy, MigrationMode mode) {
        return new Candidate(mode == MigrationMode.POSTCOPY ? "none" : policy, mode.word());
    }

    /** The {@code --postcopy-after} this candidate runs with, given the migration's own {@code configured} one. */
    public int switchAfter(int configured) {
        return postcopyAfter == AS_CONFIGURED ? configured : postcopyAfter;
    }

    /** The options that run it: "--policy none --mode hybrid --postcopy-after 1". */
    public String options() {
        return "--policy " + policy + " --mode " + mode + (postcopyAfter == AS_CONFIGURED ? "" : " --postcopy-after " + postcopyAfter);
    }

    /** "cpu-scheduling", "hybrid + none", "hybrid + none, after 1", "postcopy": how people read it in a table. */
    public String label() {
        return switch (mode) {
            case PRECOPY -> policy;
            case POSTCOPY -> POSTCOPY;
            default -> mode + " + " + policy + (postcopyAfter == AS_CONFIGURED ? "" : ", after " + postcopyAfter);
        };
    }
}
