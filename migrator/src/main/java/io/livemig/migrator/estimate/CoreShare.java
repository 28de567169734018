package io.livemig.migrator.estimate;

import io.livemig.emulator.VirtualMachine;

/**
 * The share of a core the host gives the guest's vCPUs, read over a sample's window in slices. The
 * best slice counts: a compile storm, or a destination JVM starting beside the sample, takes the
 * cores for a moment and is over before the migration runs, while a busy host takes them in every
 * slice. Taken over the whole window, those moments had the guest at 87-100 % of a core in the
 * paper matrix's samples (session 14), where it got all of one in the migration's rounds; at a
 * dirty rate equal to the link's, that difference alone decides whether pre-copy converges.
 *
 * @param cpuShare  the share of a core each vCPU gets (its idle time included: a guest that halts
 *                  half the time gets half a core)
 * @param hostShare the share of a core a vCPU gets of the time it wants one
 */
record CoreShare(double cpuShare, double hostShare) {
    /** At most this many slices... */
    static final int SLICES = 4;
    /** ...of at least this long: a shorter slice is one scheduler hiccup. */
    static final long MIN_SLICE_NANOS = 100_000_000L;
    /** Less time than this wanting a core (the rest halted) is too little to judge the host by. */
    static final long MIN_WANTED_NANOS = 20_000_000L;

    /** Waits out {@code windowNanos}, reading the vCPUs' CPU and halted time at every slice's end. */
    static CoreShare measure(VirtualMachine vm, long windowNanos) throws InterruptedException {
        int slices = (int) Math.max(1, Math.min(SLICES, windowNanos / MIN_SLICE_NANOS));
        long[] wall = new long[slices + 1];
        long[] cpu = new long[slices + 1];
        long[] halted = new long[slices + 1];
        long start = System.nanoTime();
        for (int i = 0; i <= slices; i++) {
            long wait = start + windowNanos * i / slices - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            wall[i] = System.nanoTime();
            cpu[i] = vm.cpuTimeNanos();
            halted[i] = vm.haltedNanos();
        }
        return of(vm.config().vcpus(), wall, cpu, halted);
    }

    /** From readings of the wall clock and the vCPUs' total CPU and halted time at the slices' bounds. */
    static CoreShare of(int vcpus, long[] wall, long[] cpu, long[] halted) {
        int n = wall.length - 1;
        double window = vcpus * (double) Math.max(1, wall[n] - wall[0]);
        double wanted = window - (halted[n] - halted[0]);
        double best = hostShare(cpu[n] - cpu[0], wanted);
        for (int i = 0; i < n; i++) {
            double sliceWanted = vcpus * (double) (wall[i + 1] - wall[i]) - (halted[i + 1] - halted[i]);
            if (sliceWanted >= MIN_WANTED_NANOS) best = Math.max(best, hostShare(cpu[i + 1] - cpu[i], sliceWanted));
        }
        // The share of the window the vCPUs wanted a core, at the best slice's share of a core.
        double busy = Math.max(0, Math.min(1, wanted / window));
        return new CoreShare(Math.max(0.001, Math.min(1, busy * best)), best);
    }

    /**
     * The share of a core the vCPUs got of the time they wanted one (not halted): a guest that
     * halted nearly all the time says nothing of the host, which is then taken as free.
     */
    static double hostShare(long cpuNanos, double wantedNanos) {
        if (wantedNanos < MIN_WANTED_NANOS) return 1;
        return Math.max(0.001, Math.min(1, cpuNanos / wantedNanos));
    }
}
