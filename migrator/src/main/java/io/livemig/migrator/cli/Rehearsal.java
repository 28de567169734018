package io.livemig.migrator.cli;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.ScratchWriter;
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
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Listener;
import io.livemig.migrator.transport.Transport;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pre-copy migration of a toy guest from this JVM to itself over loopback, before the real one
 * ({@code --rehearse}): both sides' code is then loaded and compiled when the real migration starts.
 * A fresh JVM compiles that code during its first migration, on the cores the migration runs on:
 * on two cores a fresh pair's round 0 moved 73-93 % of a rehearsed pair's MiB/s, and a
 * stop-and-copy of scattered pages 81-93 % of its pages per millisecond (docs/performance.md, "A
 * fresh JVM's first migration").
 *
 * <p>The toy runs a {@link ScratchWriter}, a program no user runs, so that the JIT compiles the
 * user's guest from the user's guest alone (a toy on {@code memwrite} changed a {@code memwrite}
 * guest's own pace after it, 0.57-1.08x its ops/s; with this one the guest runs at 0.96-1.09x). Capped at {@link #CAP_PCT}, it dirties a part of
 * its pages each round, so every round after round 0 sends scattered pages as later rounds and the
 * stop-and-copy do; it ends after {@link #ROUNDS} rounds. It runs on a transport of its own, one connection without TLS, and its
 * destination admits only a peer that proves a token made for it alone. The whole of it is bounded
 * by {@link #BOUND}.
 */
public final class Rehearsal {
    public static final long MEMORY_BYTES = 64L << 20;
    /** What {@code --rehearse} does, for each command's help. */
    public static final String WHAT = "migrate a " + (MEMORY_BYTES >> 20) + " MiB toy guest from this JVM to itself over loopback (about a second)";
    /** The toy's CPU cap: each round then leaves some of its pages dirty, not all. */
    static final double CAP_PCT = 20;
    static final int ROUNDS = 6;
    static final Duration BOUND = Duration.ofSeconds(20);

    /**
     * How the rehearsal went: its wall time, whether the toy arrived with its digest verified (else
     * why not), and the pages sent after round 0 (the scattered ones).
     */
    public record Outcome(long nanos, boolean completed, String error, long pagesAfterRoundZero) {
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
                        ? "%s: rehearsed on a %d MiB toy guest in %.0f ms (%d pages after round 0)%n"
                        : "%s: warning: the rehearsal on a %d MiB toy guest failed after %.0f ms (%s); going on without%n",
                who, MEMORY_BYTES >> 20, outcome.millis(), outcome.completed() ? outcome.pagesAfterRoundZero() : outcome.error());
        err.flush();
        return outcome;
    }

    /** @param keepIoCodeFromC2 see {@link #runAndReport} */
    public static Outcome run(boolean keepIoCodeFromC2) {
        long start = System.nanoTime();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Handshake handshake = new Handshake(AuthToken.of(secret));
        DestinationOptions destination = DestinationOptions.defaults(ScratchWriter::forSpec).withIoCodeKeptFromC2(keepIoCodeFromC2);
        MigrationOptions options = MigrationOptions.defaults().withDowntimeLimit(Duration.ofMillis(1)).withMaxRounds(ROUNDS)
                .withMaxVolumeFactor(ROUNDS + 1).withTimeout(BOUND);
        AtomicReference<String> destinationError = new AtomicReference<>();
        Thread receiver = null;
        try (Transport transport = Transport.create(ConnectionOptions.DEFAULTS);
             Listener listener = transport.listen(new HostPort("127.0.0.1", 0));
             VirtualMachine toy = VirtualMachine.boot("rehearsal", new GuestConfig(MEMORY_BYTES, 1), new ScratchWriter())) {
            receiver = new Thread(() -> receive(listener, destination, handshake, destinationError), "rehearsal-destination");
            receiver.setDaemon(true);
            receiver.start();
            // Data in every page, so that round 0 sends all of them as a guest's would (zero pages it skips).
            for (long page = 0; page < toy.memory().pageCount(); page++) toy.memory().writeLong(page << toy.memory().pageShift(), page + 1);
            toy.scheduler().setCapAll(CAP_PCT);
            toy.start();
            MigrationStats stats = new MigrationSource(toy, new NoConvergencePolicy(), options, MigrationListener.SILENT, handshake, 0)
                    .migrate(transport, new HostPort("127.0.0.1", listener.localAddress().getPort()));
            receiver.join(BOUND.toMillis());
            String error = stats.status() != MigrationStatus.COMPLETED ? stats.error()
                    : !stats.digestVerified() ? "digest not verified"
                    : receiver.isAlive() ? "its destination did not finish within " + BOUND.toSeconds() + " s"
                    : destinationError.get();
            long scattered = stats.roundsDetail().stream().filter(r -> r.round() > 0).mapToLong(RoundStats::pages).sum();
            return new Outcome(System.nanoTime() - start, error == null, error, scattered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(System.nanoTime() - start, false, "interrupted", 0);
        } catch (Exception e) {
            return new Outcome(System.nanoTime() - start, false, e.toString(), 0);
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
