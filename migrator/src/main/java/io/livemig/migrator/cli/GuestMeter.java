package io.livemig.migrator.cli;

import io.livemig.emulator.VirtualMachine;

/** Samples a running guest: operations done and vCPU CPU time against wall time. */
final class GuestMeter {
    record Sample(long wallNanos, long ops, long cpuNanos) {}

    private final VirtualMachine vm;

    GuestMeter(VirtualMachine vm) {
        this.vm = vm;
    }

    Sample sample() {
        return new Sample(System.nanoTime(), vm.totalOps(), vm.cpuTimeNanos());
    }

    static double opsPerSecond(Sample from, Sample to) {
        long wall = to.wallNanos() - from.wallNanos();
        return wall <= 0 ? 0 : (to.ops() - from.ops()) * 1e9 / wall;
    }

    /** Average CPU share per vCPU, in percent of one core. */
    double cpuSharePct(Sample from, Sample to) {
        long wall = to.wallNanos() - from.wallNanos();
        return wall <= 0 ? 0 : 100.0 * (to.cpuNanos() - from.cpuNanos()) / wall / vm.config().vcpus();
    }
}
