package io.livemig.migrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.livemig.migrator.host.control.ControlClient;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code livemig ctl}: the shell client of a host's control API. Bad input (here or refused by the
 * host as malformed, an unknown guest or migration) is one line and exit status 2; a request the
 * host could not carry out (a name taken, no room, a cancel after COMMIT, the host unreachable) is
 * one line and exit status 1.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Talks to a 'livemig host' through its control API: boot, list, stop, migrate, query, cancel, "
                + "evacuate. Answers are JSON on stdout. Exit status 0 when done, 1 when the host could not do it (or a "
                + "migration waited for did not complete), 2 for bad input.",
        subcommands = {CtlCommands.Boot.class, CtlCommands.ListGuests.class, CtlCommands.Stop.class, CtlCommands.Migrate.class,
                CtlCommands.Query.class, CtlCommands.Cancel.class, CtlCommands.Evacuate.class})
final class CtlCommand implements Runnable {
    @Option(names = "--control", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "The host's control address (its --control).")
    HostPort control;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "The host's token file: requests carry a credential derived from it.")
    Path authTokenFile;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.Time.class, defaultValue = "60s",
            description = "The longest wait for one answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    TlsOptions tls;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: boot, list, stop, migrate, query, cancel or evacuate");
    }

    /** A request whose answer the host refused or could not give: one line for the user, exit 1. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    /**
     * Sends one request; a 2xx answer's JSON is returned. A 400/404/405 answer is bad input
     * ({@link UsageException}, exit 2); any other is a {@link Failure}.
     */
    JsonNode request(String method, String path, Object body) throws Failure, InterruptedException {
        String json = body == null ? null : ControlJson.write(body);
        String bearer = authTokenFile == null ? null : AuthToken.load(authTokenFile).controlBearer();
        try (ControlClient client = new ControlClient(control, bearer, tls.connectionOptions().tls(), timeout)) {
            ControlClient.Reply reply = client.request(method, path, json);
            JsonNode answer = ControlJson.read(reply.body());
            if (reply.ok()) return answer;
            String error = answer.hasNonNull("error") ? answer.get("error").asText() : "HTTP status " + reply.status();
            if (reply.status() == 400 || reply.status() == 404 || reply.status() == 405) throw new UsageException(error);
            throw new Failure(error);
        } catch (IOException e) {
            throw new Failure(e.getMessage());
        }
    }

    /** Runs a subcommand's work: a {@link Failure} is printed as one line, exit 1. */
    int run(Work work) throws Exception {
        try {
            return work.run();
        } catch (Failure e) {
            spec.commandLine().getErr().println("livemig: " + Cli.oneLine(e.getMessage()));
            spec.commandLine().getErr().flush();
            return Cli.EXIT_FAILED;
        }
    }

    interface Work {
        int run() throws Exception;
    }

    /** Prints an answer on stdout. */
    void print(JsonNode json) {
        print(ControlJson.pretty(json));
    }

    void print(String line) {
        spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
    }

    /** JSON for the control requests and answers. */
    static final class ControlJson {
        private ControlJson() {}

        static String write(Object body) {
            try {
                return StatsJson.mapper().writeValueAsString(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static JsonNode read(String body) throws Failure {
            try {
                return StatsJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new Failure("the host's answer is not JSON: " + Cli.oneLine(body));
            }
        }

        static String pretty(JsonNode json) {
            return write(json);
        }
    }

    static Map<String, Object> emptyBody() {
        return Map.of();
    }
}
