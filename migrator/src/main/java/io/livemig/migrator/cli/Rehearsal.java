package io.livemig.migrator.cli;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.DestinationOptions;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.security.AuthToken;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pre-copy migration of a toy guest from this JVM to itself over loopback, before the real one
 * ({@code --rehearse}): both sides' code is then loaded and compiled when the real migration starts.
 * A fresh JVM compiles that code during its first migration, on the cores the migration runs on:
 * on two cores a fresh pair's round 0 ran 18-31 % slower than a rehearsed pair's, and a
 * stop-and-copy of scattered pages 18-27 % slower (docs/performance.md, "A fresh JVM's first
 * migration").
 *
 * <p>The toy writes scattered pages about as fast as the stream copies them, so every round after
 * round 0 sends scattered pages as later rounds and the stop-and-copy do; it ends after
 * {@link #ROUNDS} rounds. It runs on a transport of its own, and its destination admits only a
 * peer that proves a token made for it alone.
 */
public final class Rehearsal {
    public static final long MEMORY_BYTES = 64L << 20;
    static final String WORKLOAD = "memwrite:wss=60m,rate=1g";
    static final int ROUNDS = 6;
    private static final Duration BOUND = Duration.ofSeconds(60);

    /** How the rehearsal went: its wall time, and whether the toy arrived with its digest verified. */
    public record Outcome(long nanos, boolean completed, String error) {
        public double millis() {
            return nanos / 1e6;
        }
    }

    private Rehearsal() {}

    /** Runs it and says how it went on stderr, as {@code who}; a failed rehearsal only costs that line. */
    public static Outcome runAndReport(String who) {
        Outcome outcome = run();
        System.err.printf(java.util.Locale.ROOT, outcome.completed()
                        ? "%s: rehearsed on a %d MiB toy guest in %.0f ms%n"
                        : "%s: warning: the rehearsal on a %d MiB toy guest failed after %.0f ms (%s); going on without%n",
                who, MEMORY_BYTES >> 20, outcome.millis(), outcome.error());
        return outcome;
    }

    public static Outcome run() {
        long start = System.nanoTime();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Handshake handshake = new Handshake(AuthToken.of(secret));
        MigrationOptions options = MigrationOptions.defaults().withDowntimeLimit(Duration.ofMillis(1)).withMaxRounds(ROUNDS)
                .withMaxVolumeFactor(ROUNDS + 1).withTimeout(BOUND);
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine toy = VirtualMachine.boot("rehearsal", new GuestConfig(MEMORY_BYTES, 1), Workloads.parse(WORKLOAD))) {
            CompletableFuture<Void> arrived = CompletableFuture.runAsync(() -> receive(listener, handshake), runnable -> {
                Thread thread = new Thread(runnable, "rehearsal-destination");
                thread.setDaemon(true);
                thread.start();
            });
            toy.start();
            MigrationStats stats = new MigrationSource(toy, new NoConvergencePolicy(), options, MigrationListener.SILENT, handshake, 0)
                    .migrate(transport, new HostPort("127.0.0.1", listener.localAddress().getPort()));
            arrived.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            boolean completed = stats.status() == MigrationStatus.COMPLETED && stats.digestVerified();
            return new Outcome(System.nanoTime() - start, completed, completed ? null : stats.error());
        } catch (Exception e) {
            return new Outcome(System.nanoTime() - start, false, e.toString());
        }
    }

    private static void receive(Listener listener, Handshake handshake) {
        try (Connection connection = listener.accept(BOUND);
             VirtualMachine arrived = new MigrationDestination(DestinationOptions.defaults(Workloads::parse), handshake)
                     .receive(connection, "rehearsal").vm()) {
            // arrived and running: closing it is all that is left
        } catch (Exception e) {
            throw new IllegalStateException("the rehearsal's destination: " + e.getMessage(), e);
        }
    }
}
