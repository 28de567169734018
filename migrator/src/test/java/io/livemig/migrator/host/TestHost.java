package io.livemig.migrator.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.cli.SourceOptionParser;
import io.livemig.migrator.host.control.ControlApi;
import io.livemig.migrator.host.control.ControlClient;
import io.livemig.migrator.host.control.ControlServer;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.workloads.Workloads;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A host agent in this JVM with its control server on loopback, and a client that speaks to it. */
final class TestHost implements AutoCloseable {
    static final long MIB = 1 << 20;

    final String label;
    final Host host;
    final ControlServer server;
    final ControlClient client;

    TestHost(String label, long maxMemoryBytes) throws Exception {
        this(label, maxMemoryBytes, null);
    }

    /** @param bearer the control credential to require, or null */
    TestHost(String label, long maxMemoryBytes, String bearer) throws Exception {
        this.label = label;
        Host.Options options = new Host.Options(new HostPort("127.0.0.1", 0), maxMemoryBytes, new Handshake(),
                ConnectionOptions.DEFAULTS, new SourceOptionParser(), 8, Duration.ofMillis(200),
                new DestinationOptions(1L << 30, Duration.ofSeconds(20), Workloads::parse, Duration.ofSeconds(1)));
        host = Host.start(options, line -> System.out.println("[" + label + "] " + line));
        server = new ControlServer(new HostPort("127.0.0.1", 0), new ControlApi(host), bearer, null);
        client = new ControlClient(control(), bearer, null, Duration.ofSeconds(30));
    }

    HostPort address() {
        return host.migrationAddress();
    }

    HostPort control() {
        return new HostPort("127.0.0.1", server.localAddress().getPort());
    }

    ControlClient.Reply call(String method, String path, Object body) throws Exception {
        return client.request(method, path, body == null ? null : StatsJson.mapper().writeValueAsString(body));
    }

    /** A request that must succeed; its JSON answer. */
    JsonNode ok(String method, String path, Object body) throws Exception {
        ControlClient.Reply reply = call(method, path, body);
        if (!reply.ok()) throw new AssertionError(label + ": " + method + " " + path + " answered " + reply.status() + ": " + reply.body());
        return StatsJson.mapper().readTree(reply.body());
    }

    JsonNode boot(String name, String memory, int vcpus, String workload) throws Exception {
        return ok("POST", "/guests", Map.of("name", name, "memory", memory, "vcpus", vcpus, "workload", workload));
    }

    String migrate(String name, TestHost to, Map<String, Object> options) throws Exception {
        return ok("POST", "/migrations", Map.of("name", name, "to", to.address().toString(), "options", options)).get("id").asText();
    }

    /** Polls until the migration is no longer active (60 s at most); its final view. */
    JsonNode awaitMigration(String id) throws Exception {
        return awaitStatus("/migrations/" + id, 60);
    }

    JsonNode awaitStatus(String path, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            JsonNode view = ok("GET", path, null);
            if (!view.get("status").asText().equals("active")) return view;
            if (System.nanoTime() > deadline) throw new AssertionError(label + ": " + path + " still active: " + view);
            Thread.sleep(50);
        }
    }

    /** Waits until a guest of that name runs here (the arrival is registered just after the source's COMMIT). */
    JsonNode awaitGuest(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            ControlClient.Reply reply = call("GET", "/guests/" + name, null);
            if (reply.ok()) {
                JsonNode guest = StatsJson.mapper().readTree(reply.body());
                if (guest.get("state").asText().equals("running")) return guest;
            }
            if (System.nanoTime() > deadline) throw new AssertionError(label + ": guest " + name + " never ran here: " + reply.body());
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
        host.close();
    }
}
