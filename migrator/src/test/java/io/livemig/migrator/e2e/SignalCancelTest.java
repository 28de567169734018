package io.livemig.migrator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.process.ChildJvm;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM on a real {@code livemig source} mid-migration: cancelled, not killed; the figures are written. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignalCancelTest {
    @TempDir
    Path dir;

    @Test
    void sigtermCancelsTheMigrationAndWritesItsStats() throws Exception {
        Path stats = dir.resolve("source.json");
        CountDownLatch pagesArriving = new CountDownLatch(1);
        MigrationDestination destination = new MigrationDestination(
                new DestinationOptions(1L << 30, Duration.ofSeconds(30), Workloads::parse, Duration.ofSeconds(1)), new Handshake(),
                phase -> {
                    if (phase == MigrationDestination.Phase.FIRST_PAGES_LOADED) pagesArriving.countDown();
                });
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0))) {
            CompletableFuture<String> incoming = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = listener.accept(Duration.ofSeconds(120))) {
                    destination.receive(connection, "dest").vm().close();
                    return "arrived";
                } catch (Exception e) {
                    return e.getMessage();
                }
            });
            // 2 MiB/s for 16 MiB of written memory: round 0 alone takes seconds, so the signal finds it under way.
            try (ChildJvm source = ChildJvm.livemig("source", List.of("source", "--memory", "32m", "--vcpus", "1",
                    "--workload", "memwrite:wss=16m,rate=8m", "--to", "127.0.0.1:" + listener.localAddress().getPort(),
                    "--bandwidth", "2m", "--channels", "1", "--migrate-after", "200ms", "--stats-json", stats.toString()))) {
                assertThat(pagesArriving.await(120, TimeUnit.SECONDS)).as(source.output()).isTrue();
                ProcessHandle.of(source.pid()).orElseThrow().destroy(); // SIGTERM
                Integer status = source.awaitExit(Duration.ofSeconds(60));
                assertThat(status).as(source.output()).isEqualTo(143);
                assertThat(source.output()).contains("termination signal: cancelling the migration");
                assertThat(source.output()).contains("migration cancelled: cancelled: the source process received a termination signal");
            }
            JsonNode written = StatsJson.mapper().readTree(stats.toFile());
            assertThat(written.get("status").asText()).as(written.toString()).isEqualTo("cancelled");
            assertThat(written.get("error").asText()).startsWith("cancelled: ");
            assertThat(written.get("source_guest_verified").asBoolean()).as("the guest ran on, verified, until the exit").isTrue();
            assertThat(incoming.get(60, TimeUnit.SECONDS)).startsWith("the source aborted: cancelled");
        }
    }
}
