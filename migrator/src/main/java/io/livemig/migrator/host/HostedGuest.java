package io.livemig.migrator.host;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One guest of a host: its name and shape, where it stands ({@link GuestState}), its VM once it
 * runs here, and the figures the host samples while it runs (operations per second, and the dirty
 * rate read from the dirty log, which only a migration may touch otherwise: sampling stops while
 * one runs, under this object's lock).
 */
final class HostedGuest {
    final String name;
    final long memoryBytes;
    final int vcpus;
    final String workload;
    /** "booted here" or "arrived from ADDRESS". */
    final String origin;

    private GuestState state;
    private VirtualMachine vm;
    private String migrationId;
    private long runningSinceNanos;
    private DirtyBitmap sampleBitmap;
    private long lastSampleNanos;
    private long lastSampleOps;
    private double opsPerS;
    private double dirtyRateBytesPerS;

    HostedGuest(String name, long memoryBytes, int vcpus, String workload, String origin, GuestState state) {
        this.name = name;
        this.memoryBytes = memoryBytes;
        this.vcpus = vcpus;
        this.workload = workload;
        this.origin = origin;
        this.state = state;
    }

    synchronized GuestState state() {
        return state;
    }

    synchronized VirtualMachine vm() {
        return vm;
    }

    /** The guest runs here now (booted, or arrived and resumed). */
    synchronized void running(VirtualMachine vm) {
        this.vm = vm;
        this.state = GuestState.RUNNING;
        this.runningSinceNanos = System.nanoTime();
        this.lastSampleNanos = 0;
    }

    /** RUNNING -> MIGRATING under {@code id}; the sampler keeps off the dirty log from now on. */
    synchronized VirtualMachine beginMigration(String id) {
        if (state != GuestState.RUNNING) {
            throw HostException.conflict("guest " + name + " is " + state + (migrationId != null ? " (migration " + migrationId + ")" : ""));
        }
        if (vm.state() != VmState.RUNNING) throw HostException.conflict("guest " + name + " is " + vm.state());
        state = GuestState.MIGRATING;
        migrationId = id;
        return vm;
    }

    /** RUNNING -> STOPPING: nothing else may take the guest from now on. */
    synchronized VirtualMachine beginStop() {
        if (state != GuestState.RUNNING) {
            throw HostException.conflict("guest " + name + " is " + state + (migrationId != null ? " (migration " + migrationId + ")" : ""));
        }
        state = GuestState.STOPPING;
        return vm;
    }

    /**
     * Pauses the running guest, runs its own check, resumes it; a migration or stop waits meanwhile.
     *
     * @return the check's verdict and how long the guest was paused
     */
    synchronized Map<String, Object> verify() {
        if (state != GuestState.RUNNING) throw HostException.conflict("guest " + name + " is " + state);
        long start = System.nanoTime();
        vm.pause();
        io.livemig.emulator.Verification verdict;
        long ops;
        try {
            verdict = vm.verify();
            ops = vm.totalOps();
        } finally {
            vm.resume();
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("verified", verdict.ok());
        view.put("verify_detail", verdict.detail());
        view.put("ops", ops);
        view.put("paused_ms", round1((System.nanoTime() - start) / 1e6));
        return view;
    }

    /** The migration ended without the guest leaving: it runs here, sampled again. */
    synchronized void migrationFailed() {
        state = GuestState.RUNNING;
        migrationId = null;
        lastSampleNanos = 0;
    }

    synchronized String migrationId() {
        return migrationId;
    }

    /**
     * Samples operations and dirty pages since the last call; only while RUNNING (a migration owns
     * the dirty log while it runs).
     */
    synchronized void sample() {
        if (state != GuestState.RUNNING || vm == null || vm.state() != VmState.RUNNING) return;
        long now = System.nanoTime();
        long ops = vm.totalOps();
        if (sampleBitmap == null) sampleBitmap = new DirtyBitmap(vm.memory().pageCount());
        long dirtyPages = vm.memory().dirtyLog().syncAndClear(sampleBitmap);
        if (lastSampleNanos != 0 && now > lastSampleNanos) {
            double seconds = (now - lastSampleNanos) / 1e9;
            opsPerS = (ops - lastSampleOps) / seconds;
            dirtyRateBytesPerS = dirtyPages * (double) vm.memory().pageSize() / seconds;
        }
        lastSampleNanos = now;
        lastSampleOps = ops;
    }

    synchronized double opsPerS() {
        return opsPerS;
    }

    synchronized double dirtyRateBytesPerS() {
        return dirtyRateBytesPerS;
    }

    /** The list entry of the control API. */
    synchronized Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("state", state.json());
        view.put("memory_bytes", memoryBytes);
        view.put("vcpus", vcpus);
        view.put("workload", workload);
        view.put("origin", origin);
        if (vm != null) {
            view.put("ops", vm.totalOps());
            view.put("ops_per_s", round1(opsPerS));
            view.put("dirty_rate_bytes_per_s", Math.round(dirtyRateBytesPerS));
            view.put("cpu_time_ms", vm.cpuTimeNanos() / 1_000_000);
            view.put("running_for_s", round1((System.nanoTime() - runningSinceNanos) / 1e9));
            view.put("throttled", vm.scheduler().isThrottled());
        }
        if (migrationId != null) view.put("migration", migrationId);
        return view;
    }

    static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
