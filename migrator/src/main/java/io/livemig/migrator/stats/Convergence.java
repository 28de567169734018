package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The stop rule's verdict on whether pre-copy can reach the downtime limit: {@code converged}, or
 * {@code infeasible} when the guest dirties memory faster than the link can ever copy it (for the
 * {@code convergence} key of the second batch; not written yet).
 */
public enum Convergence {
    CONVERGED("converged"),
    INFEASIBLE("infeasible");

    private final String json;

    Convergence(String json) {
        this.json = json;
    }

    /** The value in {@code --stats-json} (a contract: never renamed). */
    @JsonValue
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
