package io.livemig.migrator.faults;

import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.transport.HostPort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real {@code livemig dest} JVM on 127.0.0.1; always stopped by its PID in {@link #close()}. */
final class SpawnedDestination implements AutoCloseable {
    private final ChildJvm child;
    private final Path stderr;
    private final int port;

    SpawnedDestination(Path dir, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("dest", "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extraArgs));
        stderr = Files.createTempFile(dir, "dest", ".err");
        child = ChildJvm.start("dest", args, stderr, null);
        try {
            port = child.awaitListening(Duration.ofSeconds(30));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    HostPort address() {
        return new HostPort("127.0.0.1", port);
    }

    long pid() {
        return child.pid();
    }

    /** SIGKILL: no shutdown hooks, no FIN from a clean close, the way a crash looks. */
    void kill9() throws Exception {
        child.kill();
    }

    /** Waits for a normal exit; returns the status, or -1 if it is still running. */
    int awaitExit(long seconds) throws Exception {
        Integer status = child.awaitExit(Duration.ofSeconds(seconds));
        return status == null ? -1 : status;
    }

    String err() throws Exception {
        return Files.readString(stderr);
    }

    String out() {
        return child.output();
    }

    @Override
    public void close() {
        child.close();
    }
}
