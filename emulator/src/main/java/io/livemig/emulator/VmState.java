package io.livemig.emulator;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a VM: {@code CREATED -> RUNNING <-> PAUSED -> MIGRATED | STOPPED}. MIGRATED
 * and STOPPED are final; a MIGRATED guest runs elsewhere and must never run here again.
 */
public enum VmState {
    CREATED, RUNNING, PAUSED, MIGRATED, STOPPED;

    public boolean isFinal() { return this == MIGRATED || this == STOPPED; }

    /**
     * Which states each state may become. A table filled with the enum, not a switch: a switch on
     * an enum loads a class of its own the first time it runs, and a destination's first start is
     * inside the post-copy switch-over pause.
     */
    private static final Map<VmState, Set<VmState>> NEXT = new EnumMap<>(VmState.class);

    static {
        NEXT.put(CREATED, EnumSet.of(RUNNING, STOPPED));
        NEXT.put(RUNNING, EnumSet.of(PAUSED, STOPPED));
        NEXT.put(PAUSED, EnumSet.of(RUNNING, MIGRATED, STOPPED));
        NEXT.put(MIGRATED, EnumSet.noneOf(VmState.class));
        NEXT.put(STOPPED, EnumSet.noneOf(VmState.class));
    }

    boolean canBecome(VmState next) {
        return NEXT.get(this).contains(next);
    }
}
