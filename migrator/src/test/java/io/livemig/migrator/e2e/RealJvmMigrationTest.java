package io.livemig.migrator.e2e;

import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.process.ChildJvm;
import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Migrations to a real second JVM running {@code livemig dest}, as users run it. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RealJvmMigrationTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"idle, 0", "'memwrite:wss=8m,rate=8m', 64m", "'kvstore:records=20000,value=100', 0"})
    void guestMigratesToADestinationJvmAndVerifiesThere(String spec, String bandwidth) throws Exception {
        Path destStats = dir.resolve("dest.json");
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s", "--stats-json", destStats.toString()));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 2), Workloads.parse(spec))) {
            HostPort to = new HostPort("127.0.0.1", dest.awaitListening(Duration.ofSeconds(60)));
            vm.start();
            Thread.sleep(300);
            long rate = "0".equals(bandwidth) ? 0 : io.livemig.workloads.Sizes.parseRate(bandwidth);
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults().withBandwidth(rate),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, to);

            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            assertThat(stats.downtimeMs()).isPositive();
            assertThat(stats.appDowntimeMs()).isPositive();
            assertThat(vm.state()).isEqualTo(VmState.MIGRATED);
            assertThat(dest.awaitExit(Duration.ofSeconds(60))).as(dest.output()).isZero();
            assertThat(dest.output()).contains("pages received, digest verified)");
            JsonNode arrived = StatsJson.mapper().readTree(destStats.toFile());
            assertThat(arrived.get("digest_verified").asBoolean()).isTrue();
            assertThat(arrived.get("verified").asBoolean()).as(arrived.toString()).isTrue();
            assertThat(arrived.get("ops").asLong()).as("the guest made progress on the destination").isPositive();
        }
    }

    @Test
    void guestTravelsToAnotherJvmAndBack() throws Exception {
        DestinationOptions options = DestinationOptions.defaults(Workloads::parse);
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener home = transport.listen(new HostPort("127.0.0.1", 0))) {
            Path forward = dir.resolve("forward.json");
            try (ChildJvm away = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--forward-to",
                    "127.0.0.1:" + home.localAddress().getPort(), "--forward-after", "500ms", "--forward-stats-json", forward.toString()));
                 VirtualMachine vm = VirtualMachine.boot("home", new GuestConfig(32 * MIB, 1), Workloads.parse("kvstore:records=10000,value=64"))) {
                vm.start();
                MigrationStats out = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                        MigrationListener.SILENT, new Handshake(), 0).migrate(transport, new HostPort("127.0.0.1", away.awaitListening(Duration.ofSeconds(60))));
                assertThat(out.status()).as(out.error()).isEqualTo(MigrationStatus.COMPLETED);
                long opsWhenLeaving = vm.totalOps();

                try (Connection back = home.accept(Duration.ofSeconds(60))) {
                    MigrationDestination.Incoming incoming = new MigrationDestination(options, new Handshake()).receive(back, "home-again");
                    try (VirtualMachine returned = incoming.vm()) {
                        assertThat(returned.totalOps()).as("ops continue from where they stopped").isGreaterThan(opsWhenLeaving);
                        assertThat(returned.verify().ok()).isTrue();
                    }
                }
                assertThat(away.awaitExit(Duration.ofSeconds(30))).as(away.output()).isZero();
                assertThat(StatsJson.read(forward, MigrationStats.class).digestVerified()).isTrue();
            }
        }
    }
}
