package io.livemig.emulator;

import org.HdrHistogram.Histogram;

/**
 * What missing pages cost a guest so far: faults (accesses that blocked), pages requested (each
 * missing page at most once), time blocked per vCPU, and the latency of every fault.
 *
 * @param faults                 accesses that found their page missing and waited for it
 * @param pagesRequested         distinct pages asked of the {@link PageFaultHandler}
 * @param blocktimeNanosPerVcpu  time each vCPU spent blocked on missing pages (index = vCPU)
 * @param blocktimeNanosOther    time threads that are not vCPUs spent blocked (tools, tests)
 * @param faultLatencyNanos      one value per fault: how long that access waited (a copy)
 */
public record FaultFigures(long faults, long pagesRequested, long[] blocktimeNanosPerVcpu,
                           long blocktimeNanosOther, Histogram faultLatencyNanos) {
    public FaultFigures {
        blocktimeNanosPerVcpu = blocktimeNanosPerVcpu.clone();
    }

    @Override
    public long[] blocktimeNanosPerVcpu() { return blocktimeNanosPerVcpu.clone(); }

    /** The sum over vCPUs of the time they were blocked. */
    public long blocktimeNanos() {
        long sum = 0;
        for (long b : blocktimeNanosPerVcpu) sum += b;
        return sum;
    }
}
