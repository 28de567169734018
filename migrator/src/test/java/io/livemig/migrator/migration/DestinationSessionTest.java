package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Abort;
import io.livemig.migrator.protocol.Commit;
import io.livemig.migrator.protocol.PostcopyPrepare;
import io.livemig.migrator.protocol.PostcopyStart;
import io.livemig.migrator.protocol.RoundEnd;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The destination's state machine stepped by hand, before anything is sent back: the source's
 * Abort is checked first, and a message invalid in the state is refused by name. (The states after
 * the offer answer on the connection: the loopback and real-JVM tests drive them.)
 */
class DestinationSessionTest {
    private static final DestinationOptions OPTIONS = new DestinationOptions(64L << 20, Duration.ofSeconds(1),
            Workloads::parse, Duration.ofSeconds(1));

    private final DestinationSession session = new DestinationSession(OPTIONS, new Outcomes(), phase -> { }, null,
            "test", new byte[32], new PostcopyDoor(Duration.ofSeconds(1)));

    @Test
    void aSessionStartsAwaitingTheOffer() {
        assertThat(session.state()).isEqualTo(DestinationSession.State.AWAIT_OFFER);
    }

    @Test
    void theSourcesAbortEndsTheSessionWithItsReason() {
        assertThatThrownBy(() -> session.step(Abort.because("operator cancelled")))
                .isInstanceOf(MigrationException.class).hasMessage("the source aborted: operator cancelled");
    }

    @Test
    void aMessageInvalidBeforeTheOfferIsNamed() {
        assertThatThrownBy(() -> session.step(new Commit())).hasMessageContaining("expected GUEST_OFFER after the handshake, got COMMIT");
        assertThatThrownBy(() -> session.step(new RoundEnd(0, 0))).hasMessageContaining("got ROUND_END");
        assertThat(session.state()).isEqualTo(DestinationSession.State.AWAIT_OFFER);
    }

    @Test
    void postcopyMessagesBeforeTheOfferAreRefusedByName() {
        assertThatThrownBy(() -> session.step(new PostcopyPrepare(false))).hasMessageContaining("got POSTCOPY_PREPARE");
        assertThatThrownBy(() -> session.step(new PostcopyStart(0, 0, 1000))).hasMessageContaining("got POSTCOPY_START");
    }
}
