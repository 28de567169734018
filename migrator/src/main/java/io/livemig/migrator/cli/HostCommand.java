package io.livemig.migrator.cli;

import io.livemig.emulator.GuestMemory;
import io.livemig.migrator.host.Host;
import io.livemig.migrator.host.control.ControlApi;
import io.livemig.migrator.host.control.ControlServer;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.workloads.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code livemig host}: a long-lived host agent with a control API. */
@Command(name = "host", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "A long-lived host agent: holds any number of named guests within --max-memory, receives incoming "
                + "migrations on --listen (several at once, one per guest), and boots, stops, migrates and evacuates "
                + "guests on request through a JSON-over-HTTP control API on --control (see docs/host.md; the shell "
                + "client is 'livemig ctl'). It never exits because a guest left; SIGINT/SIGTERM cancels migrations "
                + "under way and stops the guests, which live in this process.")
final class HostCommand implements Callable<Integer> {
    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "The migration port, e.g. 127.0.0.1:7000 (port 0 picks a free port; the chosen one is printed).")
    HostPort listen;

    @Option(names = "--control", required = true, paramLabel = "HOST:PORT", converter = Converters.Address.class,
            description = "The control API's address; keep it on loopback (127.0.0.1) unless TLS protects it.")
    HostPort control;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Guest memory this host may hold in all, booted and arrived (default: half of physical memory).")
    Long maxMemory;

    @Option(names = "--max-incoming", paramLabel = "N", defaultValue = "" + Host.Options.DEFAULT_MAX_INCOMING,
            description = "Incoming migrations at once; more are answered busy (default: ${DEFAULT-VALUE}).")
    int maxIncoming;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Shared secret (file private to its owner): migrations both ways must prove it, and control requests carry a credential derived from it.")
    Path authTokenFile;

    @Mixin
    TlsOptions tls;

    @Option(names = "--rehearse",
            description = "Before listening, " + Rehearsal.WHAT + ", "
                    + "so the host's first migrations, in and out, run on compiled code as its later ones do.")
    boolean rehearse;

    @Override
    public Integer call() throws Exception {
        if (maxIncoming < 1) throw new UsageException("--max-incoming must be >= 1, got " + maxIncoming);
        long maxMemoryBytes = maxMemory != null ? maxMemory : DestinationOptions.defaultMaxMemoryBytes();
        if (maxMemoryBytes <= 0) throw new UsageException("--max-memory must be positive");
        AuthToken token = authTokenFile == null ? null : AuthToken.load(authTokenFile);
        ConnectionOptions connectionOptions = tls.connectionOptions();
        Host.Options options = new Host.Options(listen, maxMemoryBytes, new Handshake(token), connectionOptions,
                new SourceOptionParser(), maxIncoming, Host.Options.DEFAULT_SAMPLE_INTERVAL, DestinationOptions.defaults(Workloads::parse));
        GuestMemory.allocate(GuestMemory.MIN_SIZE_BYTES).close(); // class set-up now, not in the first migration
        if (rehearse) Rehearsal.runAndReport("livemig host", true, System.err);
        Host host;
        try {
            host = Host.start(options, line -> System.err.println("livemig host: " + line));
        } catch (Exception e) {
            throw new UsageException("cannot listen on " + listen + ": " + io.livemig.migrator.migration.Errors.describe(e));
        }
        ControlServer server;
        try {
            server = new ControlServer(control, new ControlApi(host), token == null ? null : token.controlBearer(), connectionOptions.tls());
        } catch (IllegalArgumentException e) {
            host.close();
            throw new UsageException(e.getMessage());
        }
        warnIfOpen(token, connectionOptions);
        System.out.println("livemig host: listening on " + host.migrationAddress() + " for migrations");
        System.out.println("livemig host: control API on " + server.localAddress().getAddress().getHostAddress() + ":"
                + server.localAddress().getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("livemig host: shutting down: migrations under way are cancelled, the guests here stop");
            server.close();
            host.close();
        }, "host-shutdown"));
        Thread.currentThread().join(); // until a signal: the hook above ends it
        return Cli.EXIT_OK;
    }

    private void warnIfOpen(AuthToken token, ConnectionOptions connectionOptions) throws Exception {
        if (token != null || connectionOptions.tls() != null) return;
        System.err.println("livemig host: warning: no --auth-token-file or TLS: anyone who can reach " + listen
                + " can push a guest here" + (isLoopback(control) ? "" : ", and anyone who can reach " + control + " can control this host"));
    }

    private static boolean isLoopback(HostPort at) {
        try {
            return InetAddress.getByName(at.host()).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
