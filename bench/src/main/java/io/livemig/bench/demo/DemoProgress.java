package io.livemig.bench.demo;

import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Live progress of one migration: on a terminal a single line redrawn with {@code \r} (a bar of
 * how far the remaining dirty memory has come down from the guest's size), otherwise one plain
 * line per round.
 */
final class DemoProgress implements MigrationListener {
    static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final String policy;
    private final long memoryBytes;
    private final boolean terminal;
    private long startNs;

    DemoProgress(PrintStream out, String policy, long memoryBytes, boolean terminal) {
        this.out = out;
        this.policy = policy;
        this.memoryBytes = memoryBytes;
        this.terminal = terminal;
    }

    void start() {
        startNs = System.nanoTime();
        out.printf("%n== %s ==%n", policy);
        if (terminal) out.print("setting up...");
        out.flush();
    }

    @Override
    public synchronized void round(RoundStats round, long remainingDirtyBytes) {
        double remainingMiB = remainingDirtyBytes / 1048576.0;
        String figures = String.format(Locale.ROOT, "round %2d%s  remaining dirty %7.1f MiB  throttle %5.1f %%  bandwidth %5.1f MiB/s  %5.1f s",
                round.round(), round.stopAndCopy() ? " (stop-and-copy)" : "", remainingMiB, round.throttlePct(),
                round.bandwidthBytesPerS() / 1048576.0, (System.nanoTime() - startNs) / 1e9);
        if (terminal) {
            out.print("\r" + bar(remainingDirtyBytes) + " " + figures + "   ");
        } else {
            out.println(policy + ": " + figures);
        }
        out.flush();
    }

    private String bar(long remainingDirtyBytes) {
        double done = memoryBytes <= 0 ? 0 : 1 - Math.min(1.0, (double) remainingDirtyBytes / memoryBytes);
        int filled = (int) Math.round(done * BAR_WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }

    void finish(MigrationStats s) {
        if (terminal) out.println();
        if (s.completed()) {
            out.printf(Locale.ROOT, "%s: completed in %d rounds (%s), downtime %.1f ms, application downtime %.1f ms%n",
                    policy, s.rounds(), s.stopReason(), s.downtimeMs(), s.appDowntimeMs());
        } else {
            out.printf("%s: FAILED: %s%n", policy, s.error());
        }
        out.flush();
    }

    void note(String text) {
        out.println(policy + ": " + text);
    }
}
