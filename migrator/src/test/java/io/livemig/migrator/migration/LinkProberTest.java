package io.livemig.migrator.migration;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.workloads.Workloads;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
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
            assertThat(measure.bytesSent()).isBetween(LinkProber.FIRST_BURST_BYTES, LinkProber.MAX_BYTES);

            // No guest was made there, and the destination takes the migration that follows.
            try (VirtualMachine vm = VirtualMachine.boot("after-probe", new GuestConfig(16 << 20, 1),
                    Workloads.parse("memwrite:wss=2m,rate=4m"))) {
                vm.start();
                MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, destination.address());
                assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
                assertThat(stats.digestVerified()).isTrue();
                assertThat(destination.await().vm().verify().ok()).isTrue();
            }
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
