package io.livemig.migrator.faults;

import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.MigrationException;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.security.Destinations;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kill -9 of a real {@code livemig source} JVM in the middle of pre-copy: the destination drops
 * the half-received guest, which never runs there. (The guest itself dies with its source process,
 * as a guest dies with a crashed host; migrating it does not make that worse.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KilledSourceTest {

    @Test
    void aDestinationWhoseSourceIsKilledDropsTheGuestAndNeverRunsIt() throws Exception {
        DestinationOptions options = new DestinationOptions(1L << 30, Duration.ofSeconds(10), Workloads::parse, Duration.ofSeconds(1));
        try (Destinations destination = new Destinations(options);
             ChildJvm source = ChildJvm.livemig("source", List.of("source", "--memory", "64m", "--vcpus", "1",
                     "--workload", "memwrite:wss=32m,rate=16m", "--to", destination.address().toString(),
                     "--bandwidth", "4m", "--migrate-after", "200ms"))) {
            awaitOutput(source, "livemig source: migrating", 60);
            // Connected (on a loaded machine that can take seconds after the line above), then round 0
            // (32 MiB at 4 MiB/s) well under way.
            destination.awaitConnection();
            Thread.sleep(1500);
            assertThat(source.isAlive()).as(source.output()).isTrue();
            source.kill();

            assertThatThrownBy(destination::await)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(MigrationException.class);
        }
    }

    private static void awaitOutput(ChildJvm child, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!child.output().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError("child never printed '" + text + "': " + child.output());
            Thread.sleep(20);
        }
    }
}
