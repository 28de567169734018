package io.livemig.migrator.jfr;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * A flight recording of this JVM for {@code --jfr FILE}: the JDK's "default" settings (the
 * low-overhead continuous profile: GC, threads, sampled CPU, I/O) plus every {@code io.livemig}
 * event, written to FILE when closed. Read it with {@code jfr print --events io.livemig.Round FILE},
 * {@code jfr summary FILE} or JDK Mission Control (docs/profiling.md).
 */
public final class JfrRecording implements AutoCloseable {
    private final Recording recording;
    private final Path file;

    private JfrRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording now; {@link #close()} stops it and writes {@code file}. */
    public static JfrRecording start(Path file) throws IOException {
        Configuration settings;
        try {
            settings = Configuration.getConfiguration("default");
        } catch (ParseException e) {
            throw new IOException("the JDK's default JFR settings do not parse: " + e.getMessage(), e);
        }
        Recording recording = new Recording(settings);
        recording.setName("livemig");
        for (String event : MigrationEvents.NAMES) recording.enable(event);
        recording.setToDisk(true);
        recording.setDumpOnExit(true); // a process ended by Ctrl-C or System.exit still writes its file
        recording.setDestination(file.toAbsolutePath());
        recording.start();
        return new JfrRecording(recording, file);
    }

    public Path file() {
        return file;
    }

    /** Stops the recording and writes the file (at most once). */
    @Override
    public synchronized void close() {
        if (recording.getState() == jdk.jfr.RecordingState.RUNNING) recording.stop();
        recording.close();
    }
}
