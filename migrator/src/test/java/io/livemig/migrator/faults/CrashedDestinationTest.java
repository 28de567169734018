package io.livemig.migrator.faults;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.CpuSchedulingPolicy;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code livemig dest} JVM that dies (halts, as kill -9 would) at each phase of an incoming
 * migration ({@code --crash-at}). Before COMMIT the source fails with a reason, its guest runs on
 * unthrottled and verified, and a migration to a fresh destination then completes. A destination
 * that dies right after READY leaves the source in doubt if its COMMIT got onto the wire: the
 * guest then stays paused on the source (never two copies), and the source says so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashedDestinationTest {
    private static final long MIB = 1 << 20;

    @ParameterizedTest
    @ValueSource(strings = {"handshake", "pages", "stop-and-copy", "ready"})
    void aDestinationThatDiesAtAnyPhaseLosesNothing(String phase) throws Exception {
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1), Workloads.parse("memwrite:wss=8m,rate=32m"));
             ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--crash-at", phase))) {
            vm.start();
            HostPort to = new HostPort("127.0.0.1", dest.awaitListening(Duration.ofSeconds(60)));
            MigrationStats stats = new MigrationSource(vm, new CpuSchedulingPolicy(),
                    MigrationOptions.defaults().withBandwidth(16 * MIB), MigrationListener.SILENT, new Handshake(), 0)
                    .migrate(transport, to);

            assertThat(dest.awaitExit(Duration.ofSeconds(30))).as(dest.output()).isEqualTo(137);
            assertThat(stats.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(stats.error()).isNotBlank();
            if (stats.error().startsWith("in doubt")) {
                assertThat(phase).as("only a COMMIT already written can leave the source in doubt").isEqualTo("ready");
                assertThat(vm.state()).as("in doubt, the guest stays paused: it may run there").isEqualTo(VmState.PAUSED);
                vm.resume(); // the operator's decision: the destination is gone, so its copy is too
            }
            RealJvmFaultTest.assertSourceGuestHealthy(vm);

            try (Destinations fresh = new Destinations()) {
                MigrationStats again = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, fresh.address());
                assertThat(again.status()).as(again.error()).isEqualTo(MigrationStatus.COMPLETED);
                VirtualMachine arrived = fresh.await().vm();
                Destinations.awaitOps(arrived, arrived.totalOps() + 1);
                assertThat(arrived.verify().ok()).isTrue();
            }
        }
    }
}
