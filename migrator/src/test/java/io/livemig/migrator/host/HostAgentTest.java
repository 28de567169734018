package io.livemig.migrator.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.host.control.ControlClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.livemig.migrator.host.TestHost.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host agents in this JVM driven through their control API: guests travel between two long-lived
 * hosts and back, verified at every hop; a migration is queried while it runs and cancelled; a
 * host admits by name and memory budget; an evacuation empties a host in the planned order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostAgentTest {

    @Test
    void aGuestTravelsBetweenTwoHostsAndBackVerifiedAtEveryHopWithBoundedThreads() throws Exception {
        try (TestHost a = new TestHost("A", 256 * MIB); TestHost b = new TestHost("B", 256 * MIB)) {
            a.boot("kv", "32m", 1, "kvstore:records=20000,value=100");
            TestHost from = a;
            TestHost to = b;
            int threadsAfterFirstRoundTrip = 0;
            long lastOps = 0;
            for (int hop = 1; hop <= 6; hop++) {
                JsonNode done = from.awaitMigration(from.migrate("kv", to, Map.of()));
                assertThat(done.get("status").asText()).as("hop %d: %s", hop, done).isEqualTo("completed");
                assertThat(done.get("digest_verified").asBoolean()).isTrue();
                assertThat(done.get("remaining_bytes").asLong()).isZero();
                JsonNode arrived = to.awaitGuest("kv");
                assertThat(arrived.get("origin").asText()).isEqualTo("arrived");
                assertThat(from.call("GET", "/guests/kv", null).status()).as("gone from the source host").isEqualTo(404);
                JsonNode check = to.ok("POST", "/guests/kv/verify", null);
                assertThat(check.get("verified").asBoolean()).as("hop %d: %s", hop, check).isTrue();
                assertThat(check.get("ops").asLong()).as("the guest's work carries on across hops").isGreaterThan(lastOps);
                lastOps = check.get("ops").asLong();
                if (hop == 2) threadsAfterFirstRoundTrip = threads();
                TestHost swap = from;
                from = to;
                to = swap;
            }
            assertThat(threads()).as("no thread left behind per hop").isLessThanOrEqualTo(threadsAfterFirstRoundTrip + 3);
            JsonNode stopped = a.ok("DELETE", "/guests/kv", null);
            assertThat(stopped.get("verified").asBoolean()).isTrue();
            assertThat(a.ok("GET", "/guests", null)).isEmpty();
            assertThat(b.ok("GET", "/host", null).get("used_memory_bytes").asLong()).isZero();
        }
    }

    @Test
    void aMigrationIsQueriedWhileItRunsThenCancelledAndTheDestinationTakesItLater() throws Exception {
        try (TestHost a = new TestHost("A", 256 * MIB); TestHost b = new TestHost("B", 256 * MIB)) {
            a.boot("hot", "32m", 1, "memwrite:wss=16m,rate=64m");
            // 4 MiB/s against 64 MiB/s of dirtying, auto-converge throttling it: rounds under way for a long time.
            String id = a.migrate("hot", b, Map.of("bandwidth", "4m", "policy", "auto-converge", "max-rounds", "30"));
            JsonNode during = null;
            List<Long> remaining = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                during = a.ok("GET", "/migrations/" + id, null);
                if (during.get("phase").asText().equals("pre-copy")) remaining.add(during.get("remaining_bytes").asLong());
                if (during.get("rounds").asInt() >= 2 && remaining.size() >= 3) break;
                Thread.sleep(100);
            }
            assertThat(during.get("status").asText()).isEqualTo("active");
            assertThat(during.get("phase").asText()).isEqualTo("pre-copy");
            assertThat(during.get("rounds").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(during.get("transferred_bytes").asLong()).isPositive();
            assertThat(during.get("rounds_detail")).hasSizeGreaterThanOrEqualTo(2);
            assertThat(remaining).anySatisfy(r -> assertThat(r).isPositive());
            assertThat(a.ok("GET", "/guests/hot", null).get("state").asText()).isEqualTo("migrating");
            assertThat(b.ok("GET", "/guests", null).get(0).get("state").asText()).as("reserved on B while it arrives").isEqualTo("arriving");

            JsonNode cancelled = a.ok("POST", "/migrations/" + id + "/cancel", null);
            assertThat(cancelled.get("status").asText()).as(cancelled.toString()).isEqualTo("cancelled");
            assertThat(cancelled.get("error").asText()).isEqualTo("cancelled: requested through the control API");
            JsonNode guest = a.ok("GET", "/guests/hot", null);
            assertThat(guest.get("state").asText()).isEqualTo("running");
            assertThat(guest.get("throttled").asBoolean()).isFalse();
            assertThat(a.ok("POST", "/guests/hot/verify", null).get("verified").asBoolean()).isTrue();
            awaitNoGuests(b);
            JsonNode again = a.ok("POST", "/migrations/" + id + "/cancel", null);
            assertThat(again.get("status").asText()).as("a cancel is idempotent").isEqualTo("cancelled");

            JsonNode moved = a.awaitMigration(a.migrate("hot", b, Map.of("policy", "cpu-scheduling")));
            assertThat(moved.get("status").asText()).as(moved.toString()).isEqualTo("completed");
            b.awaitGuest("hot");
            assertThat(b.ok("POST", "/guests/hot/verify", null).get("verified").asBoolean()).isTrue();
            ControlClient.Reply late = a.call("POST", "/migrations/" + moved.get("id").asText() + "/cancel", null);
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.body()).contains("refused: the migration has already ended");
        }
    }

    @Test
    void postCopyAndHybridMigrationsReachAHostWhoseRequestChannelIsRoutedToThem() throws Exception {
        try (TestHost a = new TestHost("A", 256 * MIB); TestHost b = new TestHost("B", 256 * MIB)) {
            a.boot("pc", "32m", 1, "memwrite:wss=8m,rate=8m");
            JsonNode post = a.awaitMigration(a.migrate("pc", b, Map.of("mode", "postcopy")));
            assertThat(post.get("status").asText()).as(post.toString()).isEqualTo("completed");
            assertThat(post.get("mode").asText()).isEqualTo("postcopy");
            assertThat(post.get("postcopy_time_ms").asDouble()).as("the guest ran on B while pages were still coming").isPositive();
            b.awaitGuest("pc");
            assertThat(b.ok("POST", "/guests/pc/verify", null).get("verified").asBoolean()).isTrue();
            JsonNode hybrid = b.awaitMigration(b.migrate("pc", a, Map.of("mode", "hybrid", "postcopy-after", "1")));
            assertThat(hybrid.get("status").asText()).as(hybrid.toString()).isEqualTo("completed");
            assertThat(hybrid.get("mode").asText()).isEqualTo("hybrid");
            a.awaitGuest("pc");
            assertThat(a.ok("POST", "/guests/pc/verify", null).get("verified").asBoolean()).isTrue();
        }
    }

    @Test
    void aHostAdmitsGuestsByNameAndMemoryBudget() throws Exception {
        try (TestHost a = new TestHost("A", 256 * MIB); TestHost b = new TestHost("B", 48 * MIB)) {
            a.boot("one", "32m", 1, "idle");
            a.boot("two", "32m", 1, "idle");
            b.boot("three", "16m", 1, "idle");
            assertThat(a.call("POST", "/guests", Map.of("name", "one", "memory", "16m", "vcpus", 1, "workload", "idle")).status())
                    .as("a name is taken").isEqualTo(409);

            JsonNode first = a.awaitMigration(a.migrate("one", b, Map.of()));
            assertThat(first.get("status").asText()).isEqualTo("completed");
            b.awaitGuest("one");
            JsonNode second = a.awaitMigration(a.migrate("two", b, Map.of()));
            assertThat(second.get("status").asText()).isEqualTo("failed");
            assertThat(second.get("error").asText()).contains("the destination refused").contains("free memory");
            assertThat(a.ok("GET", "/guests/two", null).get("state").asText()).isEqualTo("running");

            a.boot("three", "16m", 1, "idle");
            JsonNode clash = a.awaitMigration(a.migrate("three", b, Map.of()));
            assertThat(clash.get("error").asText()).contains("a guest named three is already on this host");
            assertThat(a.ok("GET", "/host", null).get("guests").asInt()).isEqualTo(2);
        }
    }

    @Test
    void anEvacuationMovesEveryGuestCheapestFirstToTwoHosts() throws Exception {
        try (TestHost a = new TestHost("A", 512 * MIB); TestHost b = new TestHost("B", 256 * MIB);
             TestHost c = new TestHost("C", 256 * MIB)) {
            a.boot("quiet", "32m", 1, "idle");
            a.boot("busy", "48m", 1, "memwrite:wss=16m,rate=8m");
            a.boot("table", "32m", 1, "kvstore:records=20000,value=100");
            Thread.sleep(1500); // a few samples of each guest's dirty rate
            JsonNode started = a.ok("POST", "/evacuations", Map.of("to", List.of(b.address().toString(), c.address().toString()),
                    "parallel", 2, "options", Map.of("bandwidth", "64m")));
            assertThat(a.call("POST", "/guests", Map.of("name", "late", "memory", "16m", "vcpus", 1, "workload", "idle")).status())
                    .as("no new guests while evacuating").isEqualTo(409);
            JsonNode report = a.awaitStatus("/evacuations/" + started.get("id").asText(), 120);

            assertThat(report.get("status").asText()).as(report.toString()).isEqualTo("completed");
            JsonNode guests = report.get("guests");
            assertThat(guests).hasSize(3);
            assertThat(guests.get(0).get("guest").asText()).as("the idle guest is the cheapest").isEqualTo("quiet");
            for (JsonNode g : guests) {
                assertThat(g.get("status").asText()).isEqualTo("completed");
                assertThat(g.get("digest_verified").asBoolean()).isTrue();
                assertThat(g.get("downtime_ms").asDouble()).isPositive();
                TestHost there = g.get("target").asText().equals(b.address().toString()) ? b : c;
                there.awaitGuest(g.get("guest").asText());
                assertThat(there.ok("POST", "/guests/" + g.get("guest").asText() + "/verify", null).get("verified").asBoolean()).isTrue();
            }
            assertThat(guests.get(0).get("target").asText()).isNotEqualTo(guests.get(1).get("target").asText());
            assertThat(report.get("total_time_ms").asDouble()).isPositive();
            assertThat(a.ok("GET", "/guests", null)).isEmpty();
            assertThat(a.ok("POST", "/guests", Map.of("name", "late", "memory", "16m", "vcpus", 1, "workload", "idle"))
                    .get("state").asText()).as("takes guests again after the evacuation").isEqualTo("running");
        }
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        try (TestHost a = new TestHost("A", 128 * MIB)) {
            a.boot("m\"1", "16m", 1, "idle");
        } catch (AssertionError e) {
            assertThat(e).hasMessageContaining("400"); // a name with a quote is refused
        }
        try (TestHost a = new TestHost("A", 128 * MIB)) {
            a.boot("m1", "16m", 1, "idle");
            Thread.sleep(500);
            ControlClient.Reply metrics = a.call("GET", "/metrics", null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("# TYPE livemig_host_memory_used_bytes gauge\nlivemig_host_memory_used_bytes 16777216\n")
                    .contains("livemig_host_guests{state=\"running\"} 1")
                    .contains("# TYPE livemig_guest_ops_total counter")
                    .contains("livemig_guest_memory_bytes{guest=\"m1\"} 16777216")
                    .contains("livemig_process_threads ");
            for (String line : metrics.body().split("\n")) {
                assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*})? -?[0-9.E]+");
            }
        }
    }

    @Test
    void theControlApiRequiresTheBearerWhenATokenIsSet() throws Exception {
        try (TestHost a = new TestHost("A", 64 * MIB, "c0ffee")) {
            assertThat(a.ok("GET", "/host", null).get("guests").asInt()).isZero();
            try (ControlClient anonymous = new ControlClient(a.control(), null, null, java.time.Duration.ofSeconds(10));
                 ControlClient wrong = new ControlClient(a.control(), "c0ffef", null, java.time.Duration.ofSeconds(10))) {
                assertThat(anonymous.request("GET", "/guests", null).status()).isEqualTo(401);
                assertThat(wrong.request("GET", "/guests", null).status()).isEqualTo(401);
            }
        }
    }

    private static void awaitNoGuests(TestHost host) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!host.ok("GET", "/guests", null).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError(host.label + " still holds " + host.ok("GET", "/guests", null));
            Thread.sleep(20);
        }
        assertThat(host.ok("GET", "/host", null).get("used_memory_bytes").asLong()).isZero();
    }

    private static int threads() throws InterruptedException {
        Thread.sleep(300); // short-lived threads (connections, migrations) end
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
