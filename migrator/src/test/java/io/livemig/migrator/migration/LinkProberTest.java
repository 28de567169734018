package io.livemig.migrator.migration;

import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkProberTest {

    @Test
    void aProbeMeasuresTheLinkAndTheDestinationKeepsNothing() throws Exception {
        try (Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            LinkProber.Measure measure = new LinkProber(transport, new Handshake(), Duration.ofSeconds(10))
                    .probe(destination.address(), Duration.ofMillis(500));

            assertThat(measure.bytesPerS()).isPositive();
            assertThat(measure.roundTripNanos()).isPositive();
            assertThat(measure.setupNanos()).isPositive();
            assertThat(measure.bytesSent()).isBetween(LinkProber.FIRST_BURST_BYTES, LinkProber.MAX_BYTES);
            // The destination answered a probe, not a migration: no guest was made.
            assertThatThrownBy(destination::await).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(MigrationDestination.ProbeAnswered.class)
                    .cause().hasMessageContaining("answered a link probe");
        }
    }

    @Test
    void aProbeNeedsTheToken() throws Exception {
        Handshake withToken = new Handshake(io.livemig.migrator.security.AuthToken.of(new byte[32]));
        try (Destinations destination = new Destinations(withToken);
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            assertThatThrownBy(() -> new LinkProber(transport, new Handshake(), Duration.ofSeconds(10))
                    .probe(destination.address(), Duration.ofMillis(500)))
                    .hasMessageContaining(Handshake.AUTH_FAILED);
        }
    }
}
