package io.livemig.migrator.cli;

import io.livemig.migrator.jfr.JfrRecording;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --jfr FILE}: a flight recording of this process, shared by source, dest and demo. */
public final class JfrOption {
    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Record this process with the JDK Flight Recorder into FILE: the JDK's default events and livemig's own (io.livemig.Round, io.livemig.StopAndCopy, io.livemig.Handover, ...); see docs/profiling.md.")
    Path file;

    /** Starts the recording, or returns null without --jfr; a FILE that cannot be written: one line, exit 2. */
    public JfrRecording start() {
        if (file == null) return null;
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new UsageException("--jfr " + file + ": no such directory " + dir);
        if (Files.isDirectory(file)) throw new UsageException("--jfr " + file + ": is a directory");
        try {
            return JfrRecording.start(file);
        } catch (IOException | IllegalStateException | SecurityException e) {
            throw new UsageException("--jfr " + file + ": cannot record: " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }
}
