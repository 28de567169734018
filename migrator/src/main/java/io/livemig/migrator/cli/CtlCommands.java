package io.livemig.migrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.host.EvacuationStatus;
import io.livemig.migrator.host.OutgoingStatus;
import io.livemig.migrator.transport.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The subcommands of {@code livemig ctl}, one request each (and polling for {@code --wait}). */
final class CtlCommands {
    /** How often {@code --wait} asks. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private CtlCommands() {}

    @Command(name = "boot", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Boots and starts a guest on the host; prints it.")
    static final class Boot implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The guest's name on the host (A-Z a-z 0-9 . _ -, up to 64).")
        String name;

        @Option(names = "--memory", required = true, paramLabel = "SIZE", converter = Converters.Size.class, description = "Guest memory, e.g. 256m.")
        long memoryBytes;

        @Option(names = "--vcpus", required = true, paramLabel = "N", description = "Number of vCPUs (1..64).")
        int vcpus;

        @Option(names = "--workload", required = true, paramLabel = "SPEC", description = "Guest program NAME[:key=value,...], as for 'livemig source'.")
        String workload;

        @Option(names = "--page-size", paramLabel = "SIZE", converter = Converters.Size.class, defaultValue = "4k",
                description = "Guest page size, a power of two up to 1m, the wire's page limit, since a guest on a host can migrate (default: ${DEFAULT-VALUE}).")
        long pageSize;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("memory", memoryBytes);
            body.put("vcpus", vcpus);
            body.put("workload", workload);
            body.put("page_size", pageSize);
            return ctl.run(() -> {
                ctl.print(ctl.request("POST", "/guests", body));
                return Cli.EXIT_OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Prints the host's guests with their figures, as a JSON array.")
    static final class ListGuests implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Override
        public Integer call() throws Exception {
            return ctl.run(() -> {
                ctl.print(ctl.request("GET", "/guests", null));
                return Cli.EXIT_OK;
            });
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Pauses a guest, verifies it and stops it for good; exit 1 if it did not verify.")
    static final class Stop implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The guest to stop.")
        String name;

        @Override
        public Integer call() throws Exception {
            return ctl.run(() -> {
                JsonNode stopped = ctl.request("DELETE", "/guests/" + name, null);
                ctl.print(stopped);
                return stopped.path("verified").asBoolean() ? Cli.EXIT_OK : Cli.EXIT_FAILED;
            });
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Starts migrating a guest to another host (or a 'livemig dest'); prints the migration's id. Any "
                + "'livemig source' option applies (e.g. --bandwidth 64m --policy cpu-scheduling), except those that "
                + "describe or place the guest. --wait: wait for the end and print the final stats JSON (exit 0 only "
                + "when it completed with the digest verified).")
    static final class Migrate implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The guest to migrate.")
        String name;

        @Option(names = "--to", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
                description = "The destination's migration port.")
        HostPort to;

        @Option(names = "--wait", description = "Wait for the migration to end; print its final stats.")
        boolean await;

        @Unmatched
        List<String> sourceOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("to", to.toString());
            body.put("options", SourceOptionParser.toMap(sourceOptions));
            return ctl.run(() -> {
                String id = ctl.request("POST", "/migrations", body).path("id").asText();
                if (!await) {
                    ctl.print(id);
                    return Cli.EXIT_OK;
                }
                JsonNode done = waitFor(ctl, "/migrations/" + id);
                ctl.print(done);
                return OutgoingStatus.COMPLETED.is(done.path("status").asText()) && done.path("digest_verified").asBoolean()
                        ? Cli.EXIT_OK : Cli.EXIT_FAILED;
            });
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Prints a migration's stats JSON so far, with its status, phase and remaining_bytes.")
    static final class Query implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Parameters(paramLabel = "ID", description = "The migration's id (from 'ctl migrate').")
        String id;

        @Override
        public Integer call() throws Exception {
            return ctl.run(() -> {
                ctl.print(ctl.request("GET", "/migrations/" + id, null));
                return Cli.EXIT_OK;
            });
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Cancels a migration before its COMMIT: the guest runs on where it was. Prints the migration's stats "
                + "once it ended; a cancel after COMMIT is refused with the reason (exit 1).")
    static final class Cancel implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Parameters(paramLabel = "ID", description = "The migration's id.")
        String id;

        @Override
        public Integer call() throws Exception {
            return ctl.run(() -> {
                JsonNode answer = ctl.request("POST", "/migrations/" + id + "/cancel", CtlCommand.emptyBody());
                if (OutgoingStatus.ACTIVE.is(answer.path("status").asText())) answer = waitFor(ctl, "/migrations/" + id);
                ctl.print(answer);
                return OutgoingStatus.CANCELLED.is(answer.path("status").asText()) ? Cli.EXIT_OK : Cli.EXIT_FAILED;
            });
        }
    }

    @Command(name = "evacuate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Moves every running guest of the host to the given hosts, cheapest first, at most --parallel at "
                + "once, sharing --bandwidth (if given) among them; prints the evacuation's id. Any 'livemig source' "
                + "option applies to each migration. --wait: wait for the end and print the report (exit 0 only when "
                + "every guest moved).")
    static final class Evacuate implements Callable<Integer> {
        @ParentCommand CtlCommand ctl;

        @Option(names = "--to", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]", split = ",",
                converter = Converters.Address.class, description = "The hosts to move the guests to (their migration ports).")
        List<HostPort> to;

        @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "Migrations at once (default: ${DEFAULT-VALUE}).")
        int parallel;

        @Option(names = "--wait", description = "Wait for the evacuation to end; print its report.")
        boolean await;

        @Unmatched
        List<String> sourceOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (parallel < 1) throw new UsageException("--parallel must be >= 1, got " + parallel);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("to", to.stream().map(HostPort::toString).toList());
            body.put("parallel", parallel);
            body.put("options", SourceOptionParser.toMap(sourceOptions));
            return ctl.run(() -> {
                String id = ctl.request("POST", "/evacuations", body).path("id").asText();
                if (!await) {
                    ctl.print(id);
                    return Cli.EXIT_OK;
                }
                JsonNode done = waitFor(ctl, "/evacuations/" + id);
                ctl.print(done);
                return EvacuationStatus.COMPLETED.is(done.path("status").asText()) ? Cli.EXIT_OK : Cli.EXIT_FAILED;
            });
        }
    }

    /**
     * Asks every {@link #POLL_INTERVAL} until the status is no longer {@code active} (the word of
     * {@link OutgoingStatus#ACTIVE} and {@link EvacuationStatus#ACTIVE} alike).
     */
    static JsonNode waitFor(CtlCommand ctl, String path) throws Exception {
        while (true) {
            JsonNode state = ctl.request("GET", path, null);
            String status = state.path("status").asText();
            if (!OutgoingStatus.ACTIVE.is(status) && !EvacuationStatus.ACTIVE.is(status)) return state;
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }
}
