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

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pre-copy migration of a toy guest from this JVM to itself over loopback, before the real one
 * ({@code --rehearse}): both sides' code is then loaded and compiled when the real migration starts.
 * A fresh JVM compiles that code during its first migration, on the cores the migration runs on:
 * on two cores a fresh pair's round 0 moved 69-82 % of a rehearsed pair's MiB/s, and a
 * stop-and-copy of scattered pages 73-82 % of its pages per millisecond (docs/performance.md, "A
 * fresh JVM's first migration").
 *
 * <p>The toy writes scattered pages about as fast as the stream copies them, so every round after
 * round 0 sends scattered pages as later rounds and the stop-and-copy do; it ends after
 * {@link #ROUNDS} rounds. It runs on a transport of its own, one connection without TLS, and its
 * destination admits only a peer that proves a token made for it alone. The whole of it is bounded
 * by {@link #BOUND}.
 *
 * <p>Experimental: the toy runs {@code memwrite}, so a guest that runs it too has its step compiled
 * from a profile the toy began, and its pace changed with that (0.57-1.08x, docs/performance.md).
 */
public final class Rehearsal {
    public static final long MEMORY_BYTES = 64L << 20;
    static final String WORKLOAD = "memwrite:wss=60m,rate=1g";
    static final int ROUNDS = 6;
    static final Duration BOUND = Duration.ofSeconds(20);

    /** How the rehearsal went: its wall time, and whether the toy arrived with its digest verified (else why not). */
    public record Outcome(long nanos, boolean completed, String error) {
        public double millis() {
            return nanos / 1e6;
        }

        /** Its time for {@code rehearsal_ms}: only a rehearsal that completed made the migration after it a rehearsed one. */
        public Double completedMillis() {
            return completed ? millis() : null;
        }
    }

    private Rehearsal() {}

    /**
     * Runs it and says how it went on {@code err}, as {@code who}; a failed rehearsal only costs that line.
     *
     * @param keepIoCodeFromC2 as a pre-copy migration's destination does (IoCodeCompilation); false
     *                         where this JVM may switch to post-copy, which runs better without
     */
    public static Outcome runAndReport(String who, boolean keepIoCodeFromC2, PrintStream err) {
        Outcome outcome = run(keepIoCodeFromC2);
        err.printf(Locale.ROOT, outcome.completed()
                        ? "%s: rehearsed on a %d MiB toy guest in %.0f ms%n"
                        : "%s: warning: the rehearsal on a %d MiB toy guest failed after %.0f ms (%s); going on without%n",
                who, MEMORY_BYTES >> 20, outcome.millis(), outcome.error());
        err.flush();
        return outcome;
    }

    /** @param keepIoCodeFromC2 see {@link #runAndReport} */
    public static Outcome run(boolean keepIoCodeFromC2) {
        long start = System.nanoTime();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Handshake handshake = new Handshake(AuthToken.of(secret));
        DestinationOptions destination = DestinationOptions.defaults(Workloads::parse).withIoCodeKeptFromC2(keepIoCodeFromC2);
        MigrationOptions options = MigrationOptions.defaults().withDowntimeLimit(Duration.ofMillis(1)).withMaxRounds(ROUNDS)
                .withMaxVolumeFactor(ROUNDS + 1).withTimeout(BOUND);
        AtomicReference<String> destinationError = new AtomicReference<>();
        Thread receiver = null;
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine toy = VirtualMachine.boot("rehearsal", new GuestConfig(MEMORY_BYTES, 1), Workloads.parse(WORKLOAD))) {
            receiver = new Thread(() -> receive(listener, destination, handshake, destinationError), "rehearsal-destination");
            receiver.setDaemon(true);
            receiver.start();
            toy.start();
            MigrationStats stats = new MigrationSource(toy, new NoConvergencePolicy(), options, MigrationListener.SILENT, handshake, 0)
                    .migrate(transport, new HostPort("127.0.0.1", listener.localAddress().getPort()));
            receiver.join(BOUND.toMillis());
            String error = stats.status() != MigrationStatus.COMPLETED ? stats.error()
                    : !stats.digestVerified() ? "digest not verified"
                    : receiver.isAlive() ? "its destination did not finish within " + BOUND.toSeconds() + " s"
                    : destinationError.get();
            return new Outcome(System.nanoTime() - start, error == null, error);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(System.nanoTime() - start, false, "interrupted");
        } catch (Exception e) {
            return new Outcome(System.nanoTime() - start, false, e.toString());
        } finally {
            if (receiver != null && receiver.isAlive()) {
                receiver.interrupt();
                try {
                    receiver.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void receive(Listener listener, DestinationOptions options, Handshake handshake, AtomicReference<String> error) {
        try (Connection connection = listener.accept(BOUND);
             VirtualMachine arrived = new MigrationDestination(options, handshake).receive(connection, "rehearsal").vm()) {
            // arrived and running: closing it is all that is left
        } catch (InterruptedException e) {
            error.set("its destination was interrupted");
        } catch (Exception e) {
            error.set("its destination: " + e.getMessage());
        }
    }
}
