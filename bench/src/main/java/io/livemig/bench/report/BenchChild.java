package io.livemig.bench.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second JVM started with this JVM's module flags and classpath (a {@code livemig dest}, or the
 * raw sink of {@link RawSinkMain}); prints "listening on HOST:PORT". Stopped by its own PID on close.
 */
final class BenchChild implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private BenchChild(String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("--enable-native")
                    || arg.startsWith("--sun-misc")) {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(this::pump, "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code livemig dest --listen 127.0.0.1:0 --run-for RUN_FOR} in a child JVM. */
    static BenchChild dest(String runFor) throws IOException {
        return new BenchChild("io.livemig.migrator.cli.Main", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", runFor));
    }

    static BenchChild rawSink() throws IOException {
        return new BenchChild(RawSinkMain.class.getName(), List.of());
    }

    int awaitPort() throws Exception {
        return port.get(120, TimeUnit.SECONDS);
    }

    String output() {
        return output.toString();
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) port.complete(Integer.parseInt(m.group(2)));
            }
        } catch (IOException ignored) {
            // the child ended
        } finally {
            port.completeExceptionally(new IllegalStateException("child ended before listening; output:\n" + output));
        }
    }

    /** Waits up to {@code seconds} for the child to end by itself, then stops it (by its PID). */
    void awaitExitOrStop(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) close();
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
