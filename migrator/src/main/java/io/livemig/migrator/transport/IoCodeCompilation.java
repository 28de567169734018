package io.livemig.migrator.transport;

import javax.management.ObjectName;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the I/O code (Netty and the migrator's own) out of HotSpot's optimizing compiler, C2: it
 * is compiled by C1 alone. That code spends its time in system calls and memory-copy stubs, which
 * C1's code calls as C2's does; what C2 adds is its compile work, and a migration's first round
 * is when all of that code gets hot at once. Measured on a 1 GiB guest on two cores, the two JVMs'
 * compilers took half of the CPU while round 0 streamed, and without C2 for this code the stream
 * ran about a third faster (docs/performance.md §10a). The delta encoder, a byte-by-byte loop, is
 * kept for C2; so is every guest's code (the emulator's, the workloads').
 *
 * <p>Who asks for it: a source that only pre-copies ({@code --mode precopy}, the default) as its
 * command starts (under {@code --policy auto}, once it has chosen pre-copy), a {@code host} as such a migration of one of its guests starts, and a
 * destination ({@code dest}, {@code host}) when it accepts a guest offer that states pre-copy (the
 * offer carries the source's mode, docs/protocol.md), before it touches the guest's memory: loading
 * JMX (some 150 ms) runs beside that, on its own thread. Not a side that may switch
 * to post-copy: with the directives on the source, its switch-over pause measured 13 against 10 ms
 * (median, 12 runs each); on the destination 12.5 ms (median of 36 runs) against 10.4 ms without
 * any directives.
 *
 * <p>Installed once per JVM, and there for the rest of its life: a long-lived {@code host} that
 * has accepted or sent one pre-copy guest runs every later migration, post-copy and hybrid
 * included, with this I/O code compiled by C1. They go in through the HotSpot diagnostic-command
 * MBean ({@code jcmd Compiler.directives_add}) on a thread of their own; a JVM without that MBean
 * compiles as it always does.
 */
public final class IoCodeCompilation {
    private static final String DIRECTIVES = "compiler-directives.json";
    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static final CompletableFuture<String> OUTCOME = new CompletableFuture<>();

    private IoCodeCompilation() {}

    /** Starts the installation, once per JVM; later calls do nothing. */
    public static void requestOnce() {
        if (!REQUESTED.compareAndSet(false, true)) return;
        Thread thread = new Thread(() -> OUTCOME.complete(install()), "io-code-compilation");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether this JVM has asked for the directives (they may still be on their way in). */
    public static boolean requested() {
        return REQUESTED.get();
    }

    /** What the installation said: HotSpot's own words ("2 compiler directives added"), or why there was none. */
    static CompletableFuture<String> outcome() {
        return OUTCOME;
    }

    private static String install() {
        Path file = null;
        try (InputStream in = IoCodeCompilation.class.getResourceAsStream(DIRECTIVES)) {
            if (in == null) return "no " + DIRECTIVES + " on the class path";
            file = Files.createTempFile("livemig-compiler-directives", ".json");
            Files.write(file, in.readAllBytes());
            Object said = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            return String.valueOf(said).strip();
        } catch (Exception e) {
            return "not installed: " + e; // not HotSpot, or no management: the JVM's own choices stand
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file); // read once, when added
                } catch (Exception ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
