package io.livemig.emulator;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static io.livemig.emulator.VmState.CREATED;
import static io.livemig.emulator.VmState.MIGRATED;
import static io.livemig.emulator.VmState.PAUSED;
import static io.livemig.emulator.VmState.RUNNING;
import static io.livemig.emulator.VmState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

class VmStateTest {

    @Test
    void theLifecycleAllowsExactlyItsDocumentedTransitions() {
        assertThat(successors(CREATED)).containsExactlyInAnyOrder(RUNNING, STOPPED);
        assertThat(successors(RUNNING)).containsExactlyInAnyOrder(PAUSED, STOPPED);
        assertThat(successors(PAUSED)).containsExactlyInAnyOrder(RUNNING, MIGRATED, STOPPED);
        assertThat(successors(MIGRATED)).isEmpty();
        assertThat(successors(STOPPED)).isEmpty();
    }

    @Test
    void onlyMigratedAndStoppedAreFinal() {
        for (VmState state : VmState.values()) {
            assertThat(state.isFinal()).as(state.name()).isEqualTo(successors(state).isEmpty());
        }
    }

    private static Set<VmState> successors(VmState from) {
        Set<VmState> next = EnumSet.noneOf(VmState.class);
        for (VmState to : VmState.values()) if (from.canBecome(to)) next.add(to);
        return next;
    }
}
