package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.GuestName;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional GuestName before the offer: kept once, a second one is a protocol error. */
class GuestNameStepTest {
    private final DestinationSession session = new DestinationSession(
            new DestinationOptions(64L << 20, Duration.ofSeconds(1), Workloads::parse, Duration.ofSeconds(1)),
            new Outcomes(), phase -> { }, null, "test", new byte[32], null);

    @Test
    void aNameBeforeTheOfferIsKeptAndTheSessionStillAwaitsTheOffer() throws Exception {
        assertThat(session.step(new GuestName("web-1"))).isEqualTo(DestinationSession.State.AWAIT_OFFER);
        assertThatThrownBy(() -> session.step(new GuestName("web-2"))).hasMessageContaining("GUEST_NAME sent twice");
    }

    @Test
    void namesAreLimitedToASafeAlphabet() {
        assertThat(GuestName.isValid("a.b_c-9")).isTrue();
        assertThat(GuestName.isValid("")).isFalse();
        assertThat(GuestName.isValid("a/b")).isFalse();
        assertThat(GuestName.isValid("x".repeat(65))).isFalse();
        assertThatThrownBy(() -> new GuestName("a b")).isInstanceOf(IllegalArgumentException.class);
    }
}
