package io.livemig.migrator.latency;

import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.clock.HostClock;
import io.livemig.migrator.protocol.LatencyReport.LatencySummary;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a guest's operation latencies by phase and over time: a daemon thread drains the vCPUs'
 * recorders every {@code period} (the vCPUs never stop for it) into the current phase's histogram
 * and appends one {@link LatencySample} to the timeline. A phase change drains first, so every
 * operation lands in the phase it completed in.
 */
public final class LatencyMonitor implements AutoCloseable {
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(100);
    /** Samples kept: over 16 minutes at the default period; later ones still count in their phase. */
    static final int MAX_SAMPLES = 10_000;

    private final VirtualMachine vm;
    private final HostClock clock;
    private final long periodNanos;
    private final Histogram interval = Latencies.histogram();
    private final Map<LatencyPhase, Histogram> phases = new EnumMap<>(LatencyPhase.class);
    private final List<LatencySample> samples = new ArrayList<>();
    private final Thread sampler;
    private LatencyPhase phase;
    private long intervalStartNanos;
    private volatile boolean sampling = true;
    private boolean closed;

    private LatencyMonitor(VirtualMachine vm, HostClock clock, LatencyPhase first, Duration period) {
        this.vm = vm;
        this.clock = clock;
        this.periodNanos = period.toNanos();
        this.phase = first;
        for (LatencyPhase p : LatencyPhase.values()) phases.put(p, Latencies.histogram());
        vm.drainOpLatencies(Latencies.histogram()); // what came before is not part of any phase
        this.intervalStartNanos = clock.monotonicNanos();
        this.sampler = new Thread(this::run, vm.name() + "-latency");
        sampler.setDaemon(true);
    }

    /** Starts collecting now, in phase {@code first}; earlier operations are left out. */
    public static LatencyMonitor start(VirtualMachine vm, HostClock clock, LatencyPhase first, Duration period) {
        LatencyMonitor monitor = new LatencyMonitor(vm, clock, first, period);
        monitor.sampler.start();
        return monitor;
    }

    public static LatencyMonitor start(VirtualMachine vm, HostClock clock, LatencyPhase first) {
        return start(vm, clock, first, DEFAULT_PERIOD);
    }

    public synchronized LatencyPhase phase() {
        return phase;
    }

    /** Ends the current phase now (its last operations included) and begins {@code next}. */
    public synchronized void enter(LatencyPhase next) {
        sample();
        phase = next;
    }

    /**
     * Counts {@code count} operations of {@code nanos} each into {@code phase}: operations measured
     * elsewhere, e.g. the one in flight on each vCPU across a migration's pause.
     */
    public synchronized void add(LatencyPhase phase, long nanos, long count) {
        if (count > 0) phases.get(phase).recordValueWithCount(Math.max(0, nanos), count);
    }

    /**
     * Like {@link #add}, and also a timeline sample {@code [startNanos, endNanos)} for them: a stall
     * measured elsewhere, e.g. the pause of a migration, seen by the operations it held up.
     */
    public synchronized void addStall(LatencyPhase phase, long startNanos, long endNanos, long nanos, long count) {
        add(phase, nanos, count);
        if (count > 0 && samples.size() < MAX_SAMPLES) {
            samples.add(new LatencySample(startNanos, Math.max(startNanos, endNanos), phase,
                    new LatencySummary(count, Math.max(0, nanos), Math.max(0, nanos), Math.max(0, nanos), Math.max(0, nanos))));
        }
    }

    public synchronized LatencySummary summary(LatencyPhase p) {
        return Latencies.summarize(phases.get(p));
    }

    /** A copy of the phase's histogram. */
    public synchronized Histogram histogram(LatencyPhase p) {
        return phases.get(p).copy();
    }

    public synchronized List<LatencySample> samples() {
        return List.copyOf(samples);
    }

    /** Drains what the vCPUs recorded since the last sample; called every period and at phase changes. */
    public synchronized void sample() {
        sampleUntil(clock.monotonicNanos());
    }

    /**
     * Like {@link #sample()}, with the interval ending at {@code now} (in the past: e.g. the moment
     * a guest paused, when nothing it recorded since can be later).
     */
    public synchronized void sampleUntil(long now) {
        interval.reset();
        vm.drainOpLatencies(interval);
        phases.get(phase).add(interval);
        if (samples.size() < MAX_SAMPLES && now > intervalStartNanos) {
            samples.add(new LatencySample(intervalStartNanos, now, phase, Latencies.summarize(interval)));
        }
        intervalStartNanos = now;
    }

    /**
     * Stops the periodic samples without taking one (cheap: for a moment that must stay short, like
     * a pause); {@link #sample()} and {@link #sampleUntil} still work. The sampler is not woken: it
     * sees the flag when its sleep ends and takes no sample. Woken now, its thread could take the
     * core of the pause it was stopped for (measured: up to 0.7 ms of a post-copy switch-over).
     */
    public void stopSampling() {
        sampling = false;
    }

    /** Stops the sampling thread after a last sample (unless sampling was stopped before); the figures stay readable. */
    @Override
    public void close() {
        boolean wasSampling;
        synchronized (this) {
            if (closed) return;
            closed = true;
            wasSampling = sampling;
        }
        stopSampling();
        sampler.interrupt(); // out of its sleep now: close waits for it
        try {
            sampler.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (wasSampling) sample();
    }

    private void run() {
        long next = System.nanoTime() + periodNanos;
        while (sampling) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (!sampling) return;
            sample();
            next = Math.max(next + periodNanos, System.nanoTime()); // after a stall, no burst of catch-up samples
        }
    }
}
