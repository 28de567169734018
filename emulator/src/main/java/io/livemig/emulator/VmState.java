package io.livemig.emulator;

/**
 * The lifecycle of a VM: {@code CREATED -> RUNNING <-> PAUSED -> MIGRATED | STOPPED}. MIGRATED
 * and STOPPED are final; a MIGRATED guest runs elsewhere and must never run here again.
 */
public enum VmState {
    CREATED, RUNNING, PAUSED, MIGRATED, STOPPED;

    public boolean isFinal() { return this == MIGRATED || this == STOPPED; }

    boolean canBecome(VmState next) {
        return switch (this) {
            case CREATED -> next == RUNNING || next == STOPPED;
            case RUNNING -> next == PAUSED || next == STOPPED;
            case PAUSED -> next == RUNNING || next == MIGRATED || next == STOPPED;
            case MIGRATED, STOPPED -> false;
        };
    }
}
