package io.livemig.migrator.host;

import com.fasterxml.jackson.core.type.TypeReference;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.Cancellation;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.StatsJson;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.IoCodeCompilation;
import io.livemig.migrator.transport.Transport;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One guest leaving a host: a {@link MigrationSource} run on its own thread, its
 * {@link LiveProgress} for live queries, and its final {@link MigrationStats}. When it completes
 * the guest is gone from the host (its name and memory are free); when it fails or is cancelled
 * the guest runs on here.
 */
final class OutgoingMigration {
    final String id;
    final HostedGuest guest;
    final HostPort to;
    /** The evacuation this migration belongs to, or null. */
    final String evacuationId;
    private final Instant startedAt = Instant.now();
    private final LiveProgress progress;
    private final MigrationSource source;
    private final CompletableFuture<MigrationStats> result = new CompletableFuture<>();

    OutgoingMigration(String id, HostedGuest guest, VirtualMachine vm, HostPort to, MigrationSettings settings,
                      Handshake handshake, String evacuationId) {
        this.id = id;
        this.guest = guest;
        this.to = to;
        this.evacuationId = evacuationId;
        // As a pre-copy source command does; the JMX load runs while the migration sets up.
        if (!settings.options().mode().mayUsePostcopy()) IoCodeCompilation.requestOnce();
        this.progress = new LiveProgress(vm.memory().sizeBytes(), vm.memory().pageSize());
        this.source = new MigrationSource(vm, settings.policy().get(), settings.options(), progress, handshake, guest.opsPerS())
                .named(guest.name);
    }

    /** Runs the migration on the calling thread; then the guest is gone, or runs here again. */
    void run(Transport transport, GuestTable table) {
        MigrationStats stats;
        try {
            stats = source.migrate(transport, to);
        } catch (RuntimeException e) {
            stats = null;
            result.completeExceptionally(e);
        }
        VirtualMachine vm = guest.vm();
        if (stats != null && stats.completed()) {
            vm.close();
            table.remove(guest);
        } else if (vm.state() == VmState.RUNNING) {
            guest.migrationFailed();
        }
        // else: in doubt (COMMIT written, no answer): the guest stays paused and listed as migrating.
        if (stats != null) result.complete(stats);
    }

    Cancellation.Answer cancel(String why) {
        return source.cancel(why);
    }

    boolean isDone() {
        return result.isDone();
    }

    /** The final figures, or null while it runs. */
    MigrationStats stats() {
        return result.isDone() && !result.isCompletedExceptionally() ? result.join() : null;
    }

    CompletableFuture<MigrationStats> result() {
        return result;
    }

    /** Waits at most {@code millis} for the end. */
    void awaitEnd(long millis) {
        try {
            result.get(millis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // still running, or ended by an exception: the view says which
        }
    }

    long remainingBytes() {
        return progress.remainingBytes();
    }

    long transferredBytes() {
        MigrationStats stats = stats();
        return stats != null ? stats.transferredBytes() : progress.transferredBytes();
    }

    /**
     * What a query answers ({@link OutgoingStatus}): while it runs, {@code status: active} with the figures so far
     * ({@link LiveProgress#soFar}); once it ended, every {@code --stats-json} key of its stats,
     * with {@code phase} = the status and {@code remaining_bytes} 0 when completed.
     */
    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("guest", guest.name);
        view.put("to", to.toString());
        view.put("started_at", startedAt.toString());
        if (evacuationId != null) view.put("evacuation", evacuationId);
        MigrationStats stats = stats();
        if (stats == null && result.isCompletedExceptionally()) {
            view.put("status", OutgoingStatus.FAILED);
            view.put("phase", OutgoingStatus.FAILED.json());
            view.put("error", result.handle((s, e) -> String.valueOf(e.getMessage())).join());
            return view;
        }
        if (stats == null) {
            view.put("status", OutgoingStatus.ACTIVE);
            view.putAll(progress.soFar());
            return view;
        }
        Map<String, Object> figures = StatsJson.mapper().convertValue(stats, new TypeReference<Map<String, Object>>() {});
        view.put("status", OutgoingStatus.of(stats.status()));
        view.put("phase", stats.status().json());
        view.put("remaining_bytes", stats.completed() ? 0 : progress.remainingBytes());
        view.putAll(figures);
        return view;
    }
}
