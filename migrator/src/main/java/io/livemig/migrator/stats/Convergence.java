package io.livemig.migrator.stats;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether pre-copy could reach the downtime limit: {@code converged} when the stop rule stopped on
 * it, or {@code infeasible} when it could not within the stop rule's budget (said by a planning
 * policy as soon as it predicts it, else by the stop rule at max-rounds or max-volume): the
 * {@code convergence} key.
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
