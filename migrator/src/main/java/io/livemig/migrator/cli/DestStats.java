package io.livemig.migrator.cli;

import io.livemig.migrator.stats.MigrationStatus;

/**
 * What {@code livemig dest --stats-json} writes about the guest it received and ran. {@code status}
 * is {@code failed} when the digest check after resume found a mismatch and stopped the guest, or
 * when the guest was lost during post-copy; else {@code completed}, also when the digest is not
 * verified or the guest failed its own check (then {@code digestVerified} or {@code verified} is
 * false, and the exit status 1). {@code error} says why the digest is not verified when it is not.
 * {@code opLatencyUs...After}: the guest's operation latencies over the window the source asked
 * for after the resume (-1 when it asked for none); {@code clockSkewMs}: the {@code --clock-skew}
 * this destination ran with.
 */
public record DestStats(MigrationStatus status, String workload, long memoryBytes, int vcpus, int rounds, long pagesReceived,
                        long bytesReceived, double verifyMs, boolean digestVerified, double ranForS, long ops, double opsPerS, boolean verified,
                        String verifyDetail, String error, double opLatencyUsP50After, double opLatencyUsP99After,
                        double opLatencyUsMaxAfter, double clockSkewMs) {}
