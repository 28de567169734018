package io.livemig.migrator.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes and reads the {@code --stats-json} files: one JSON object, snake_case keys. */
public final class StatsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StatsJson() {}

    public static ObjectMapper mapper() { return MAPPER; }

    /** Writes atomically (temp file, then rename), so a reader never sees half a file. */
    public static void write(Path file, Object stats) {
        try {
            Path absolute = file.toAbsolutePath();
            Path dir = absolute.getParent();
            if (dir != null) Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
            MAPPER.writeValue(tmp.toFile(), stats);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write stats to " + file + ": " + e.getMessage(), e);
        }
    }

    public static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stats from " + file + ": " + e.getMessage(), e);
        }
    }

    public static String toJson(Object stats) {
        try {
            return MAPPER.writeValueAsString(stats);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
