package io.livemig.migrator.host;

import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.stats.RoundStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An outgoing migration's figures so far, for a live query from another thread: the phase, the
 * rounds done, and what is left to send. Fed by the migrating thread through the
 * {@link MigrationListener} callbacks (once per page batch at most), read under one lock.
 */
final class LiveProgress implements MigrationListener {
    private final int pageSize;
    private final long startNanos = System.nanoTime();
    private final List<RoundStats> rounds = new ArrayList<>();
    private String phase = "starting";
    private int round;
    private long roundPagesHandled;
    private long roundPagesToSend;
    private long remainingBytes;
    private long transferredBytes;
    private double maxThrottlePct;

    LiveProgress(long memoryBytes, int pageSize) {
        this.pageSize = pageSize;
        this.remainingBytes = memoryBytes;
    }

    @Override
    public synchronized void phase(String phase) {
        this.phase = phase;
    }

    @Override
    public synchronized void sending(int round, long pagesSent, long pagesToSend) {
        this.round = round;
        this.roundPagesHandled = pagesSent;
        this.roundPagesToSend = pagesToSend;
        this.remainingBytes = (pagesToSend - pagesSent) * pageSize;
    }

    @Override
    public synchronized void round(RoundStats stats, long remainingDirtyBytes) {
        rounds.add(stats);
        round = stats.round() + 1;
        roundPagesHandled = 0;
        roundPagesToSend = 0;
        remainingBytes = stats.stopAndCopy() ? 0 : remainingDirtyBytes;
        transferredBytes += stats.bytes();
        maxThrottlePct = Math.max(maxThrottlePct, stats.throttlePct());
    }

    synchronized String phase() {
        return phase;
    }

    synchronized long remainingBytes() {
        return remainingBytes;
    }

    synchronized long transferredBytes() {
        return transferredBytes;
    }

    /**
     * The {@code --stats-json} keys known while the migration runs, plus {@code phase},
     * {@code remaining_bytes} (the pages still to send, as it stands now, times the page size) and
     * the current round's progress.
     */
    synchronized Map<String, Object> soFar() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("phase", phase);
        view.put("remaining_bytes", remainingBytes);
        view.put("rounds", rounds.size());
        view.put("total_time_ms", HostedGuest.round1((System.nanoTime() - startNanos) / 1e6));
        view.put("transferred_bytes", transferredBytes);
        view.put("round_in_progress", round);
        view.put("round_pages_sent", roundPagesHandled);
        view.put("round_pages_to_send", roundPagesToSend);
        view.put("max_throttle_pct", maxThrottlePct);
        if (!rounds.isEmpty()) {
            RoundStats last = rounds.get(rounds.size() - 1);
            view.put("dirty_rate_bytes_per_s", Math.round(last.dirtyRateBytesPerS()));
            view.put("bandwidth_bytes_per_s", Math.round(last.bandwidthBytesPerS()));
        }
        view.put("rounds_detail", List.copyOf(rounds));
        return view;
    }
}
