package io.livemig.bench.demo;

import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.RoundStats;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Live progress of one migration: on a terminal a progress bar (the {@code progressbar} library) of
 * how far the remaining dirty memory has come down from the guest's size, with the round's figures
 * beside it; otherwise one plain line per round.
 */
final class DemoProgress implements MigrationListener {
    private static final long MIB = 1 << 20;

    private final PrintStream out;
    private final String policy;
    private final long memoryBytes;
    private final boolean terminal;
    private ProgressBar bar;
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
        out.flush();
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(policy).setInitialMax(Math.max(1, memoryBytes / MIB)).setUnit(" MiB", 1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(100).hideEta().build();
            bar.setExtraMessage("setting up...");
        }
    }

    @Override
    public synchronized void round(RoundStats round, long remainingDirtyBytes) {
        String figures = String.format(Locale.ROOT, "round %2d%s  remaining dirty %7.1f MiB  throttle %5.1f %%  bandwidth %5.1f MiB/s  %5.1f s",
                round.round(), round.stopAndCopy() ? " (stop-and-copy)" : "", remainingDirtyBytes / (double) MIB, round.throttlePct(),
                round.bandwidthBytesPerS() / MIB, (System.nanoTime() - startNs) / 1e9);
        if (bar != null) {
            bar.stepTo(Math.max(0, memoryBytes - Math.min(memoryBytes, remainingDirtyBytes)) / MIB);
            bar.setExtraMessage(figures);
        } else {
            out.println(policy + ": " + figures);
            out.flush();
        }
    }

    void finish(MigrationStats s) {
        if (bar != null) {
            if (s.completed()) bar.stepTo(bar.getMax());
            bar.close();
            bar = null;
        }
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
