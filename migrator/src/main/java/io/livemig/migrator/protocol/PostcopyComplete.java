package io.livemig.migrator.protocol;

import java.util.Arrays;

/**
 * Destination to source on the main connection: every page is in and the memory as loaded matches
 * the source's digest ({@code memoryDigest} is the destination's). The source may now free its
 * memory; the migration is complete. The rest are the destination's figures for the source's
 * report: the guest's operation count now ({@code guestOps}, from its status page: the source
 * subtracts its count at the pause for the work done during post-copy), the heartbeat of its
 * first operation after the switch (0 if none), faults (accesses that blocked), distinct pages
 * requested, fault latency percentiles, and the time each vCPU was blocked.
 */
public record PostcopyComplete(long memoryDigest, long guestOps, long firstOpMicros, long faults, long pagesRequested,
                               long faultLatencyP50Nanos, long faultLatencyP99Nanos, long faultLatencyMaxNanos,
                               long[] blocktimeNanosPerVcpu) implements Message {

    public PostcopyComplete {
        ProtocolLimits.checkRange("guestOps", guestOps, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("firstOpMicros", firstOpMicros, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("faults", faults, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("pagesRequested", pagesRequested, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("faultLatencyP50Nanos", faultLatencyP50Nanos, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("faultLatencyP99Nanos", faultLatencyP99Nanos, 0, Long.MAX_VALUE);
        ProtocolLimits.checkRange("faultLatencyMaxNanos", faultLatencyMaxNanos, 0, Long.MAX_VALUE);
        if (blocktimeNanosPerVcpu == null || blocktimeNanosPerVcpu.length < 1 || blocktimeNanosPerVcpu.length > ProtocolLimits.MAX_VCPUS) {
            throw new IllegalArgumentException("blocktime for 1.." + ProtocolLimits.MAX_VCPUS + " vCPUs, got "
                    + (blocktimeNanosPerVcpu == null ? "null" : blocktimeNanosPerVcpu.length));
        }
        for (long b : blocktimeNanosPerVcpu) ProtocolLimits.checkRange("blocktimeNanos", b, 0, Long.MAX_VALUE);
        blocktimeNanosPerVcpu = blocktimeNanosPerVcpu.clone();
    }

    @Override
    public long[] blocktimeNanosPerVcpu() { return blocktimeNanosPerVcpu.clone(); }

    @Override
    public MessageType type() { return MessageType.POSTCOPY_COMPLETE; }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostcopyComplete c && c.memoryDigest == memoryDigest && c.guestOps == guestOps && c.firstOpMicros == firstOpMicros
                && c.faults == faults && c.pagesRequested == pagesRequested && c.faultLatencyP50Nanos == faultLatencyP50Nanos
                && c.faultLatencyP99Nanos == faultLatencyP99Nanos && c.faultLatencyMaxNanos == faultLatencyMaxNanos
                && Arrays.equals(c.blocktimeNanosPerVcpu, blocktimeNanosPerVcpu);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(memoryDigest) * 31 + Long.hashCode(faults) * 7 + Arrays.hashCode(blocktimeNanosPerVcpu);
    }

    @Override
    public String toString() {
        return "PostcopyComplete[digest=" + memoryDigest + ", ops=" + guestOps + ", firstOp=" + firstOpMicros + ", faults=" + faults
                + ", requested=" + pagesRequested + ", p50=" + faultLatencyP50Nanos + ", p99=" + faultLatencyP99Nanos
                + ", max=" + faultLatencyMaxNanos + ", blocktime=" + Arrays.toString(blocktimeNanosPerVcpu) + "]";
    }
}
