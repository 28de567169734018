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
 * <p>Who asks for it: every destination ({@code dest}, {@code host}) and a source that only
 * pre-copies ({@code --mode precopy}, the default). Not a source that may switch to post-copy:
 * with the directives on the source, its switch-over pause measured 13 against 10 ms (median, 12
 * runs each). A destination cannot know at start whether post-copy follows, and there they cost
 * the switch-over too: 12.5 ms (median of 36 runs) against 10.4 ms without any directives. That
 * is the price of the faster page stream that pre-copy, the default, gets from them.
 *
 * <p>Installed once per JVM, when the command starts (so loading JMX, some 150 ms, is long over
 * when a round or a switch-over runs), through the HotSpot diagnostic-command MBean
 * ({@code jcmd Compiler.directives_add}) on a thread of its own; a JVM without that MBean
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
