package io.livemig.migrator.stats;

/**
 * One pre-copy round as reported: {@code rounds_detail} entries in {@code --stats-json}.
 * The stop-and-copy round is the last entry. {@code bytes} is page data moved (every non-zero page
 * at its full size, whole or as a delta); {@code wireBytes} the page frames' bytes on the wire.
 */
public record RoundStats(int round, long pages, long bytes, double durationMs, long dirtyPages, double throttlePct,
                         double dirtyRateBytesPerS, double bandwidthBytesPerS, boolean stopAndCopy, long wireBytes) {

    /** Without a wire byte count (0). */
    public RoundStats(int round, long pages, long bytes, double durationMs, long dirtyPages, double throttlePct,
                      double dirtyRateBytesPerS, double bandwidthBytesPerS, boolean stopAndCopy) {
        this(round, pages, bytes, durationMs, dirtyPages, throttlePct, dirtyRateBytesPerS, bandwidthBytesPerS, stopAndCopy, 0);
    }

    /** The one-line form printed on stderr for each round. */
    public String line() {
        return String.format("round %3d %s pages %8d  %8.1f MiB  %7.1f ms  dirty %8d pages  %8.1f MiB/s dirtied  %8.1f MiB/s sent  throttle %6.2f %%",
                round, stopAndCopy ? "(stop)" : "      ", pages, bytes / 1048576.0, durationMs, dirtyPages,
                dirtyRateBytesPerS / 1048576.0, bandwidthBytesPerS / 1048576.0, throttlePct);
    }
}
