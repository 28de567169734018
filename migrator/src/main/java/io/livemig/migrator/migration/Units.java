package io.livemig.migrator.migration;

/** Human-readable figures for messages. */
public final class Units {
    private Units() {}

    public static String bytes(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
        if (bytes >= 1L << 20) return String.format("%.1f MiB", bytes / 1048576.0);
        if (bytes >= 1L << 10) return String.format("%.1f KiB", bytes / 1024.0);
        return bytes + " bytes";
    }
}
