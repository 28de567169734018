package io.livemig.migrator.cli;

import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.policy.PlanVerdict;
import io.livemig.migrator.stats.RoundStats;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The source's progress on stderr: one line per round and, on a terminal, a progress bar of the
 * round being sent (the {@code progressbar} library redraws it in place, ten times a second, and
 * clears it when the round's line is printed).
 */
final class RoundPrinter implements MigrationListener {
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int barRound = -1;

    @Override
    public synchronized void sending(int round, long pagesSent, long pagesToSend) {
        if (!terminal || pagesToSend == 0) return;
        if (bar == null || barRound != round) {
            closeBar();
            bar = new ProgressBarBuilder().setTaskName("round " + round).setInitialMax(pagesToSend).setUnit(" pages", 1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(100).clearDisplayOnFinish().hideEta().build();
            barRound = round;
        }
        bar.stepTo(pagesSent);
    }

    @Override
    public synchronized void phase(String phase) {
        // The switch is worth a line of its own: from here the guest runs on the destination.
        if (phase.equals("post-copy")) {
            closeBar();
            System.err.println("livemig source: switching to post-copy");
        }
    }

    @Override
    public synchronized void infeasible(PlanVerdict verdict) {
        closeBar();
        System.err.printf("policy after round %d: infeasible, predicted downtime %.0f ms: %s%n", verdict.round(),
                verdict.predictedDowntimeNanos() / 1e6, verdict.reason());
    }

    @Override
    public synchronized void round(RoundStats round, long remainingDirtyBytes) {
        closeBar();
        System.err.println(round.line());
    }

    private void closeBar() {
        if (bar != null) bar.close();
        bar = null;
    }
}
