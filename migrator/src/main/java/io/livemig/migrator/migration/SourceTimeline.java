package io.livemig.migrator.migration;

/**
 * The time marks and operation counts of one source attempt, all on the source's monotonic clock
 * ({@code SourceSession.clock}) or guest figures; -1 marks a point not reached.
 */
final class SourceTimeline {
    long startNanos;
    long setupNanos;
    long opsAtStart;
    long opsAtPause = -1;
    /** The guest's last heartbeat on the source (wall-clock microseconds), read at the pause. */
    long lastHeartbeatMicros;
    /** When the guest ran again on the destination, converted into the source's time base. */
    long guestBackNanos = -1;
    long pauseStartNanos = -1;
    long pauseNanos;
    long finalTransferNanos;
    long verifyNanos;
    long resumeNanos;
    long downtimeNanos = -1;
    double appDowntimeMs = -1;
    double opsPerSDuring;
    /** When the migration's figures end (the handover done); -1: at the time of the report. */
    long endNanos = -1;
    /** Post-copy: when the destination confirmed the last page, and the guest's op count then (its status page). */
    long postcopyEndNanos = -1;
    long opsAtPostcopyEnd = -1;
}
