package io.livemig.migrator.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM running a livemig command (or another main class of the same classpath) with this
 * JVM's java binary, classpath and {@code --add-*}, {@code -D*}, {@code -X*} flags: how the demo,
 * the experiment harness, the reports and the end-to-end tests start their second JVM. Its stdout
 * lines are kept (see {@link #output()}), passed to an optional consumer, and watched for a
 * destination's "listening on" line; its stderr goes to a file, or joins stdout. Every child is
 * registered with one shutdown hook, so Ctrl-C stops them too; {@link #close()} stops it for good
 * (destroy, then destroyForcibly after {@link #STOP_GRACE}); {@link #kill()} is a SIGKILL.
 */
public final class ChildJvm implements AutoCloseable {
    public static final String MAIN_CLASS = "io.livemig.migrator.cli.Main";
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildJvm::stopAll, "livemig-child-reaper"));
    }

    private final Process process;
    private final String name;
    private final StringBuffer output = new StringBuffer();
    private volatile int listenPort = -1;
    private final Object portLock = new Object();

    private ChildJvm(String name, Process process, Consumer<String> stdoutLines) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(() -> pump(stdoutLines), "child-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code livemig args...}; stderr joins stdout, both kept in {@link #output()}. */
    public static ChildJvm livemig(String name, List<String> args) throws IOException {
        return start(name, MAIN_CLASS, args, null, null);
    }

    /** Starts {@code livemig args...}; stderr goes to {@code stderrFile}. */
    public static ChildJvm start(String name, List<String> args, Path stderrFile, Consumer<String> stdoutLines)
            throws IOException {
        return start(name, MAIN_CLASS, args, stderrFile, stdoutLines);
    }

    /**
     * Starts {@code mainClass args...}.
     *
     * @param stderrFile where stderr goes; null: it joins stdout
     * @param stdoutLines gets every stdout line as it comes; may be null
     */
    public static ChildJvm start(String name, String mainClass, List<String> args, Path stderrFile,
                                 Consumer<String> stdoutLines) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(inheritedJvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (stderrFile == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(stderrFile.toFile());
        }
        Process p = pb.start();
        LIVE.add(p);
        return new ChildJvm(name, p, stdoutLines);
    }

    /** This JVM's flags worth passing on: module access, system properties, -X options (no agents, no debug ports). */
    public static List<String> inheritedJvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-agentlib") || arg.startsWith("-javaagent") || arg.startsWith("-Xdebug")
                    || arg.startsWith("-Xrunjdwp")) continue;
            if (arg.startsWith("--add-") || arg.startsWith("-D") || arg.startsWith("-X")) flags.add(arg);
        }
        return flags;
    }

    private void pump(Consumer<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    synchronized (portLock) {
                        listenPort = Integer.parseInt(m.group(2));
                        portLock.notifyAll();
                    }
                }
                if (lines != null) lines.accept(line);
            }
        } catch (IOException ignored) {
            // the child ended; its exit status tells the rest
        } finally {
            synchronized (portLock) { portLock.notifyAll(); }
        }
    }

    /** Waits for the "listening on HOST:PORT" line; fails if the child exits first or the wait times out. */
    public int awaitListening(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (portLock) {
            while (listenPort < 0) {
                if (!process.isAlive()) throw new IllegalStateException(name + " exited (status " + process.exitValue() + ") before listening");
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) throw new TimeoutException(name + " did not listen within " + timeout.toSeconds() + " s");
                portLock.wait(Math.min(leftMs, 200));
            }
            return listenPort;
        }
    }

    /** Waits for the child to exit; returns its status, or empty (child still running) on timeout. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    public boolean isAlive() { return process.isAlive(); }

    public long pid() { return process.pid(); }

    /** Everything the child printed on stdout so far (and stderr, when it joins stdout). */
    public String output() { return output.toString(); }

    /** SIGKILL: no shutdown hooks and no clean close, the way a crash looks. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        LIVE.remove(process);
    }

    @Override
    public void close() {
        stop(process);
        LIVE.remove(process);
    }

    private static void stop(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void stopAll() {
        for (Process p : List.copyOf(LIVE)) p.destroy();
        for (Process p : List.copyOf(LIVE)) stop(p);
    }
}
