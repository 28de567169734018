package io.livemig.migrator.cli;

/** What {@code livemig dest --stats-json} writes about the guest it received and ran. */
public record DestStats(String status, String workload, long memoryBytes, int vcpus, int rounds, long pagesReceived,
                        long bytesReceived, double verifyMs, boolean digestVerified, double ranForS, long ops, double opsPerS, boolean verified,
                        String verifyDetail, String error) {}
