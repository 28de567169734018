package io.livemig.migrator.faults;

import io.livemig.migrator.transport.HostPort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code livemig dest} JVM on 127.0.0.1; always stopped by its PID in {@link #close()}. */
final class SpawnedDestination implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final Path stderr;
    final Path stdout;
    private final int port;

    SpawnedDestination(Path dir, String... extraArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-D")) command.add(arg);
        }
        command.add("-Xmx256m");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.livemig.migrator.cli.Main",
                "dest", "--listen", "127.0.0.1:0"));
        command.addAll(List.of(extraArgs));
        stderr = Files.createTempFile(dir, "dest", ".err");
        stdout = Files.createTempFile(dir, "dest", ".out");
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try {
            port = awaitPort();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private int awaitPort() throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Files.writeString(stdout, line + "\n", java.nio.file.StandardOpenOption.APPEND);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) found.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException e) {
                // process gone
            }
            found.completeExceptionally(new IllegalStateException("dest exited before listening"));
        }, "dest-stdout");
        reader.setDaemon(true);
        reader.start();
        return found.get(30, TimeUnit.SECONDS);
    }

    HostPort address() {
        return new HostPort("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hooks, no FIN from a clean close, the way a crash looks. */
    void kill9() throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits for a normal exit; returns the status, or -1 if it had to be killed. */
    int awaitExit(long seconds) throws Exception {
        if (process.waitFor(seconds, TimeUnit.SECONDS)) return process.exitValue();
        return -1;
    }

    String err() throws IOException {
        return Files.readString(stderr);
    }

    String out() throws IOException {
        return Files.readString(stdout);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
