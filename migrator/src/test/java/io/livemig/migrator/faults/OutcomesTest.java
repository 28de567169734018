package io.livemig.migrator.faults;

import io.livemig.migrator.migration.Outcomes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The destination's answers to a source in doubt are final: never "not committed" and then a start. */
class OutcomesTest {
    private final Outcomes outcomes = new Outcomes();
    private final byte[] id = "0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void aCommittedMigrationIsAnsweredCommitted() {
        outcomes.pending(id);
        assertThat(outcomes.commit(id)).isTrue();
        assertThat(outcomes.answer(id)).isTrue();
    }

    @Test
    void askingAboutAPendingMigrationAbandonsItSoALateCommitIsRefused() {
        outcomes.pending(id);
        assertThat(outcomes.answer(id)).isFalse();
        assertThat(outcomes.commit(id)).as("the source was told no: the guest must not start").isFalse();
    }

    @Test
    void anUnknownOrAbandonedMigrationIsAnsweredNotCommitted() {
        assertThat(outcomes.answer(id)).isFalse();
        byte[] other = "fedcba9876543210fedcba9876543210".getBytes();
        outcomes.pending(other);
        outcomes.abandon(other);
        assertThat(outcomes.answer(other)).isFalse();
        assertThat(outcomes.commit(other)).isFalse();
    }
}
