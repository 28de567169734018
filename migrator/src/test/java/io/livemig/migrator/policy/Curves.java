package io.livemig.migrator.policy;

import io.livemig.emulator.WorkingSetCurve;

/** Scripted working-set curves for policy tests. */
final class Curves {
    static final int PAGE = 4096;
    static final long MIB = 1 << 20;

    private Curves() {}

    /**
     * A write-saturated guest: {@code pagesPerMicro} new pages per microsecond of CPU until its
     * working set of {@code wssMib} is all dirty, measured from 1 us to 4 s (points x2).
     */
    static WorkingSetCurve saturated(double pagesPerMicro, long wssMib) {
        long wssPages = wssMib * MIB / PAGE;
        int n = 23;
        long[] t = new long[n];
        long[] p = new long[n];
        for (int k = 0; k < n; k++) {
            t[k] = 1000L << k;
            p[k] = Math.min(wssPages, Math.round(pagesPerMicro * t[k] / 1000.0));
        }
        return new WorkingSetCurve(t, p, 1L << 40);
    }
}
