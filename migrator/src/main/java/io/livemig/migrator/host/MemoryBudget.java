package io.livemig.migrator.host;

/** The guest memory a host may hold ({@code --max-memory}): guests booted, arrived and arriving. */
final class MemoryBudget {
    private final long maxBytes;
    private long usedBytes;

    MemoryBudget(long maxBytes) {
        if (maxBytes <= 0) throw new IllegalArgumentException("--max-memory must be positive");
        this.maxBytes = maxBytes;
    }

    /** Takes {@code bytes} if they fit; false (nothing taken) if not. */
    synchronized boolean reserve(long bytes) {
        if (bytes > maxBytes - usedBytes) return false;
        usedBytes += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        usedBytes = Math.max(0, usedBytes - bytes);
    }

    synchronized long usedBytes() {
        return usedBytes;
    }

    long maxBytes() {
        return maxBytes;
    }
}
