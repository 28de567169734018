package io.livemig.emulator;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A guest: memory, vCPUs running one program, and a CPU scheduler, with the lifecycle
 * {@code CREATED -> RUNNING <-> PAUSED -> MIGRATED | STOPPED}. Every state change goes through
 * {@link #transition}, a compare-and-set from the expected state.
 *
 * <p>A VM is made either by {@link #boot} (a fresh guest: the program lays out memory and
 * registers) or by {@link #incoming} (an empty guest that a migration fills with pages and vCPU
 * states before {@link #start()}); the two then behave the same, so a guest that arrived by
 * migration can itself be migrated onward.
 */
public final class VirtualMachine implements AutoCloseable {
    private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final GuestConfig config;
    private final GuestProgram program;
    private final GuestMemory memory;
    private final CpuScheduler scheduler;
    private final List<Vcpu> vcpus;
    private final WorkingSetSampler workingSet;
    private final AtomicReference<VmState> state = new AtomicReference<>(VmState.CREATED);
    private final Object parkMonitor = new Object();

    private VirtualMachine(String name, GuestConfig config, GuestProgram program, Duration schedulerPeriod, WallClock clock) {
        this.name = name;
        this.config = config;
        this.program = program;
        this.memory = GuestMemory.allocate(config.memoryBytes(), config.pageSize());
        this.scheduler = new CpuScheduler(config.vcpus(), schedulerPeriod);
        List<Vcpu> list = new ArrayList<>(config.vcpus());
        for (int i = 0; i < config.vcpus(); i++) {
            VcpuContext context = new VcpuContext(i, config.vcpus(), memory, clock);
            list.add(new Vcpu(program, context, scheduler, this::vcpuParked));
        }
        this.vcpus = List.copyOf(list);
        scheduler.onChange(() -> vcpus.forEach(Vcpu::wake));
        this.workingSet = new WorkingSetSampler(vcpus.stream().map(Vcpu::probe).toList(),
                i -> vcpus.get(i).cpuTimeNanos(), memory.pageCount());
    }

    /**
     * A fresh guest: memory allocated and laid out by the program, registers initialised. The first
     * boot in a JVM first runs the throttle's code on a scratch guest for 0.2 s ({@link ThrottleWarmUp}),
     * so that a guest runs capped at the same speed whether or not anything was capped before it.
     */
    public static VirtualMachine boot(String name, GuestConfig config, GuestProgram program) {
        return boot(name, config, program, CpuScheduler.DEFAULT_PERIOD, WallClock.SYSTEM);
    }

    public static VirtualMachine boot(String name, GuestConfig config, GuestProgram program,
                                      Duration schedulerPeriod, WallClock clock) {
        ThrottleWarmUp.once();
        return fresh(name, config, program, schedulerPeriod, clock);
    }

    /** {@link #boot} without the throttle's warm-up (which boots its scratch guest so). */
    static VirtualMachine fresh(String name, GuestConfig config, GuestProgram program, Duration schedulerPeriod, WallClock clock) {
        VirtualMachine vm = new VirtualMachine(name, config, program, schedulerPeriod, clock);
        try {
            program.boot(vm.memory, config.vcpus());
            for (Vcpu vcpu : vm.vcpus) program.initVcpu(vcpu.context());
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    /** An empty guest (zeroed memory and registers) for a migration to fill before it starts. */
    public static VirtualMachine incoming(String name, GuestConfig config, GuestProgram program) {
        return incoming(name, config, program, CpuScheduler.DEFAULT_PERIOD, WallClock.SYSTEM);
    }

    public static VirtualMachine incoming(String name, GuestConfig config, GuestProgram program,
                                          Duration schedulerPeriod, WallClock clock) {
        return new VirtualMachine(name, config, program, schedulerPeriod, clock);
    }

    public String name() { return name; }
    public GuestConfig config() { return config; }
    public GuestProgram program() { return program; }
    public GuestMemory memory() { return memory; }
    public CpuScheduler scheduler() { return scheduler; }
    public VmState state() { return state.get(); }

    /** Measures the guest's writable working-set curve W(tau) (see {@link WorkingSetSampler}). */
    public WorkingSetSampler workingSet() { return workingSet; }

    /**
     * CREATED only: starts the vCPU threads ahead, parked, so that {@link #start} just wakes them. A
     * guest arriving by migration starts in the switch-over pause, where creating its threads
     * would cost a few milliseconds more. Calling it again does nothing.
     */
    public void prestartVcpus() {
        requireCreated("prestart vCPUs");
        for (Vcpu vcpu : vcpus) vcpu.startThreadIfNeeded(name);
    }

    /** CREATED -> RUNNING: starts the vCPU threads (or wakes them, after {@link #prestartVcpus}). */
    public void start() {
        transition(VmState.CREATED, VmState.RUNNING);
        for (Vcpu vcpu : vcpus) {
            vcpu.context().resetFirstOp();
            vcpu.command(Vcpu.Command.RUN);
            vcpu.startThreadIfNeeded(name);
        }
    }

    /**
     * RUNNING -> PAUSED. Returns only when every vCPU is parked at a safe point; a vCPU blocked on a
     * missing page reaches one only after the page arrives (a step is never cut in half).
     *
     * @return how long it took from the request until the last vCPU parked, in nanoseconds
     */
    public long pause() {
        transition(VmState.RUNNING, VmState.PAUSED);
        long startNanos = System.nanoTime();
        for (Vcpu vcpu : vcpus) vcpu.command(Vcpu.Command.PAUSE);
        try {
            awaitAllParked(PAUSE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new IllegalStateException("vCPUs of " + name + " did not reach a safe point within " + PAUSE_TIMEOUT, e);
        }
        return System.nanoTime() - startNanos;
    }

    /** PAUSED -> RUNNING. */
    public void resume() {
        transition(VmState.PAUSED, VmState.RUNNING);
        for (Vcpu vcpu : vcpus) {
            vcpu.context().resetFirstOp();
            vcpu.command(Vcpu.Command.RUN);
        }
    }

    /** PAUSED -> MIGRATED: the guest now runs elsewhere; its vCPU threads end here for good. */
    public void markMigrated() {
        transition(VmState.PAUSED, VmState.MIGRATED);
        endThreads();
    }

    /** Any live state -> STOPPED; ends the vCPU threads. Stopping a stopped or migrated VM does nothing. */
    public void stop() {
        while (true) {
            VmState current = state.get();
            if (current.isFinal()) return;
            if (state.compareAndSet(current, VmState.STOPPED)) break;
        }
        endThreads();
    }

    /** Saves every vCPU's registers; the VM must not be running. */
    public List<VcpuState> saveVcpuStates() {
        requireNotRunning("save vCPU states");
        List<VcpuState> states = new ArrayList<>(vcpus.size());
        for (Vcpu vcpu : vcpus) states.add(vcpu.context().saveState());
        return List.copyOf(states);
    }

    /** Loads registers saved elsewhere; the VM must not be running. */
    public void loadVcpuStates(List<VcpuState> states) {
        requireNotRunning("load vCPU states");
        if (states.size() != vcpus.size()) {
            throw new IllegalArgumentException("got " + states.size() + " vCPU states for " + vcpus.size() + " vCPUs");
        }
        for (VcpuState s : states) {
            if (s.vcpu() >= vcpus.size()) throw new IllegalArgumentException("state for vCPU " + s.vcpu() + " of " + vcpus.size());
            vcpus.get(s.vcpu()).context().loadState(s);
        }
    }

    /** Runs {@code steps} steps of every vCPU on the caller's thread (CREATED or PAUSED only). */
    public void stepByHand(int steps) {
        requireNotRunning("step by hand");
        for (int s = 0; s < steps; s++) {
            for (Vcpu vcpu : vcpus) vcpu.stepByHand();
        }
    }

    /** The program's verdict; a running guest is paused for the check and resumed after it. */
    public Verification verify() {
        if (state.get() == VmState.RUNNING) {
            pause();
            try {
                return program.verify(memory, config.vcpus());
            } finally {
                resume();
            }
        }
        return program.verify(memory, config.vcpus());
    }

    /** Operations completed by all vCPUs (read from the guest status page). */
    public long totalOps() { return GuestStatus.totalOps(memory, config.vcpus()); }

    /** The latest heartbeat in the guest status page, in wall-clock microseconds. */
    public long lastHeartbeatMicros() { return GuestStatus.lastHeartbeatMicros(memory, config.vcpus()); }

    /** The earliest first-operation heartbeat of any vCPU since the last start or resume, or 0. */
    public long firstOpMicrosSinceResume() {
        long first = 0;
        for (Vcpu vcpu : vcpus) {
            long t = vcpu.context().firstOpMicros();
            if (t != 0 && (first == 0 || t < first)) first = t;
        }
        return first;
    }

    /**
     * Adds the operation latencies (nanoseconds per operation, as the guest lived them) that every
     * vCPU recorded since the previous call into {@code into}, an auto-resizing histogram. The
     * vCPUs keep recording meanwhile; call it from one thread at a time.
     */
    public void drainOpLatencies(Histogram into) {
        for (Vcpu vcpu : vcpus) vcpu.context().latency().drainInto(into);
    }

    /**
     * Turns the recording of operation latencies on or off for every vCPU (default: on, unless
     * {@code -Dlivemig.op-latency=off}); for measuring what it costs.
     */
    public void setOpLatencyRecording(boolean on) {
        for (Vcpu vcpu : vcpus) vcpu.context().latency().enabled(on);
    }

    /** Thread CPU time used by all vCPUs so far. */
    public long cpuTimeNanos() {
        long total = 0;
        for (Vcpu vcpu : vcpus) total += vcpu.cpuTimeNanos();
        return total;
    }

    public long cpuTimeNanos(int vcpu) { return vcpus.get(vcpu).cpuTimeNanos(); }

    /** Wall time all vCPUs spent halted in the guest's idle loop so far (summed over vCPUs). */
    public long haltedNanos() {
        long total = 0;
        for (Vcpu vcpu : vcpus) total += vcpu.context().haltedNanos();
        return total;
    }

    /** Steps vCPU {@code vcpu} has run since the VM was made (one step between two safe points). */
    public long stepsOf(int vcpu) { return vcpus.get(vcpu).steps(); }

    /** Pages newly dirtied by each vCPU since the VM was made. */
    public long pagesDirtiedBy(int vcpu) { return vcpus.get(vcpu).context().pagesDirtied(); }

    /** The first error thrown by a guest program on any vCPU, or null. */
    public Throwable failure() {
        for (Vcpu vcpu : vcpus) {
            if (vcpu.failure() != null) return vcpu.failure();
        }
        return null;
    }

    /** Stops the guest if it is live and frees its memory. */
    @Override
    public void close() {
        stop();
        memory.close();
    }

    private void transition(VmState expected, VmState next) {
        if (!expected.canBecome(next) || !state.compareAndSet(expected, next)) {
            throw new IllegalStateException("VM " + name + " cannot go " + expected + " -> " + next + ": it is " + state.get());
        }
    }

    private void requireCreated(String what) {
        if (state.get() != VmState.CREATED) throw new IllegalStateException("cannot " + what + " of VM " + name + ": it is " + state.get());
    }

    private void requireNotRunning(String what) {
        VmState s = state.get();
        if (s == VmState.RUNNING) throw new IllegalStateException("cannot " + what + " while VM " + name + " is running");
    }

    private void endThreads() {
        for (Vcpu vcpu : vcpus) vcpu.command(Vcpu.Command.STOP);
        MissingPages missing = memory.missingPages();
        if (missing != null) missing.abandon("the guest was stopped"); // a vCPU blocked on a page must not outlive it
        for (Vcpu vcpu : vcpus) {
            try {
                vcpu.join(PAUSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void vcpuParked() {
        synchronized (parkMonitor) {
            parkMonitor.notifyAll();
        }
    }

    private void awaitAllParked(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (parkMonitor) {
            while (!allParked()) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) throw new TimeoutException();
                try {
                    parkMonitor.wait(Math.min(remainingMillis, 5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pausing " + name, e);
                }
            }
        }
    }

    private boolean allParked() {
        for (Vcpu vcpu : vcpus) {
            if (!vcpu.isParked() && vcpu.isAlive()) return false;
        }
        return true;
    }
}
