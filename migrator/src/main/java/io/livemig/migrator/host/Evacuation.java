package io.livemig.migrator.host;

import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.HostPort;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Moves every guest of a host elsewhere, in the {@link EvacuationPlan}'s order, at most
 * {@code parallel} at once. A guest refused by its planned target (no room, name taken) is offered
 * to the other targets in turn. One coordinator thread starts the moves; each move waits for its
 * migration on its own thread.
 */
final class Evacuation {
    /** Starts one migration of the evacuation; see {@link Host}. */
    interface Launcher {
        OutgoingMigration launch(String guest, HostPort to, Map<String, Object> sourceOptions, String evacuationId);
    }

    /** One guest's progress through the evacuation. */
    private static final class MoveState {
        final EvacuationPlan.Move move;
        final List<String> tried = new ArrayList<>();
        OutgoingMigration migration;
        HostPort target;
        long startedNanos;
        long endedNanos;
        MoveStatus status = MoveStatus.WAITING;
        String error;

        MoveState(EvacuationPlan.Move move) {
            this.move = move;
        }
    }

    final String id;
    private final List<HostPort> targets;
    private final int parallel;
    private final Map<String, Object> sourceOptions;
    private final long bandwidthBytesPerS;
    private final Launcher launcher;
    private final List<MoveState> moves = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private long endNanos;
    private final Semaphore slots;
    private final Thread coordinator;

    /**
     * @param bandwidthBytesPerS the whole link ({@code bandwidth} of the source options, 0 = unlimited):
     *                           each migration gets its share (see {@link #shareOfLink})
     */
    Evacuation(String id, List<EvacuationPlan.Move> plan, List<HostPort> targets, int parallel, Map<String, Object> sourceOptions,
               long bandwidthBytesPerS, Launcher launcher, Runnable onEnd) {
        this.id = id;
        this.targets = List.copyOf(targets);
        this.parallel = parallel;
        this.sourceOptions = sourceOptions;
        this.bandwidthBytesPerS = bandwidthBytesPerS;
        this.launcher = launcher;
        this.slots = new Semaphore(parallel);
        for (EvacuationPlan.Move move : plan) moves.add(new MoveState(move));
        this.coordinator = new Thread(() -> {
            try {
                coordinate();
            } finally {
                onEnd.run();
            }
        }, "host-evacuation-" + id);
        coordinator.setDaemon(true);
    }

    void start() {
        coordinator.start();
    }

    /**
     * The link is shared by splitting the bandwidth evenly among the migrations that can run at
     * once: {@code parallel}, or fewer when fewer guests are left. A migration keeps its share
     * until it ends.
     */
    static long shareOfLink(long bandwidthBytesPerS, int parallel, int guestsLeft) {
        if (bandwidthBytesPerS <= 0) return 0;
        return Math.max(1, bandwidthBytesPerS / Math.max(1, Math.min(parallel, guestsLeft)));
    }

    private void coordinate() {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            MoveState state = moves.get(i);
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long share = shareOfLink(bandwidthBytesPerS, parallel, moves.size() - i);
            Thread worker = new Thread(() -> {
                try {
                    move(state, share);
                } finally {
                    slots.release();
                }
            }, "host-evacuation-" + id + "-" + state.move.guest());
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (this) {
            endNanos = System.nanoTime();
        }
    }

    /** Moves one guest: its planned target first, then the others if it is refused. */
    private void move(MoveState state, long bandwidthShare) {
        Map<String, Object> options = new LinkedHashMap<>(sourceOptions);
        if (bandwidthShare > 0) options.put("bandwidth", Long.toString(bandwidthShare));
        List<HostPort> order = new ArrayList<>();
        order.add(state.move.target());
        for (HostPort t : targets) if (!t.equals(state.move.target())) order.add(t);
        synchronized (this) {
            state.startedNanos = System.nanoTime();
            state.status = MoveStatus.MIGRATING;
        }
        for (HostPort target : order) {
            OutgoingMigration migration;
            try {
                migration = launcher.launch(state.move.guest(), target, options, id);
            } catch (HostException e) {
                end(state, MoveStatus.FAILED, e.getMessage());
                return;
            }
            synchronized (this) {
                state.migration = migration;
                state.target = target;
                state.tried.add(target.toString());
            }
            MigrationStats stats = migration.result().handle((s, e) -> s).join();
            if (stats == null) {
                end(state, MoveStatus.FAILED, "the migration ended with an internal error");
                return;
            }
            boolean refused = !stats.completed() && stats.error() != null && stats.error().startsWith("the destination refused");
            if (!refused || target == order.get(order.size() - 1)) {
                end(state, MoveStatus.of(stats.status()), stats.error());
                return;
            }
        }
    }

    private synchronized void end(MoveState state, MoveStatus status, String error) {
        state.status = status;
        state.error = error;
        state.endedNanos = System.nanoTime();
    }

    synchronized boolean isDone() {
        return endNanos != 0;
    }

    /** The report: order, target, outcome, per-guest downtime and times, and the total time. */
    synchronized Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        boolean allCompleted = moves.stream().allMatch(m -> m.status == MoveStatus.COMPLETED);
        view.put("status", endNanos == 0 ? EvacuationStatus.ACTIVE : allCompleted ? EvacuationStatus.COMPLETED : EvacuationStatus.INCOMPLETE);
        view.put("targets", targets.stream().map(HostPort::toString).toList());
        view.put("parallel", parallel);
        view.put("bandwidth_bytes_per_s", bandwidthBytesPerS);
        view.put("started_at", startedAt.toString());
        view.put("total_time_ms", HostedGuest.round1(((endNanos != 0 ? endNanos : System.nanoTime()) - startNanos) / 1e6));
        List<Map<String, Object>> guests = new ArrayList<>();
        for (MoveState m : moves) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("order", m.move.order());
            g.put("guest", m.move.guest());
            g.put("memory_bytes", m.move.memoryBytes());
            g.put("dirty_rate_bytes_per_s", Math.round(m.move.dirtyRateBytesPerS()));
            g.put("predicted_s", m.move.converges() ? Math.round(m.move.predictedSeconds() * 100) / 100.0 : -1);
            g.put("planned_target", m.move.target().toString());
            g.put("target", m.target == null ? null : m.target.toString());
            g.put("status", m.status);
            if (m.migration != null) g.put("migration", m.migration.id);
            if (m.startedNanos != 0) g.put("started_ms", HostedGuest.round1((m.startedNanos - startNanos) / 1e6));
            if (m.endedNanos != 0) g.put("ended_ms", HostedGuest.round1((m.endedNanos - startNanos) / 1e6));
            MigrationStats stats = m.migration == null ? null : m.migration.stats();
            if (stats != null) {
                g.put("downtime_ms", stats.downtimeMs());
                g.put("app_downtime_ms", stats.appDowntimeMs());
                g.put("migration_time_ms", stats.totalTimeMs());
                g.put("rounds", stats.rounds());
                g.put("transferred_bytes", stats.transferredBytes());
                g.put("digest_verified", stats.digestVerified());
            }
            if (m.tried.size() > 1) g.put("targets_tried", List.copyOf(m.tried));
            if (m.error != null) g.put("error", m.error);
            guests.add(g);
        }
        view.put("guests", guests);
        return view;
    }
}
