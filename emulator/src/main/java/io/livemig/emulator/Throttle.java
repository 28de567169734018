package io.livemig.emulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces one vCPU's CPU cap and dirty-page limit at its safe points, on the vCPU's own thread.
 *
 * <p>CPU cap: a token bucket of CPU time. Tokens accrue at {@code cap} nanoseconds per wall
 * nanosecond, up to one period's budget ({@code cap x period}, the longest burst; the period is
 * stretched at low caps, see {@link CpuScheduler#effectivePeriodNanos}), and every
 * nanosecond of the thread's own CPU time spends one. A vCPU whose tokens run out sleeps until a
 * whole burst has accrued again (so it runs and sleeps in period-sized slices, like a duty cycle),
 * and debt is never forgiven: the CPU a wake-up itself costs (tens of microseconds on these
 * machines, more than the whole 10 us budget of a 0.1 % cap) is paid back by a longer sleep, so
 * the long-run share follows the cap down to 0.01 %.
 *
 * <p>No single sleep lasts longer than the scheduler's bound ({@link CpuScheduler#setMaxSleep});
 * after any sleep the vCPU runs one step before the next check, so the guest's heartbeat keeps
 * going at least once per bound. A sleep ends early when a command waits or a scheduler setting
 * changes (a lifted cap applies at once). Each sleep's length is reported to the scheduler.
 *
 * <p>Reading the thread's CPU time is a system call (about 1.5 us here, as long as a guest step),
 * so it is read only when the tokens could have run out: CPU time grows no faster than wall time,
 * so with {@code r} ns of tokens left nothing needs checking for {@code r} ns of wall time.
 *
 * <p>Dirty limit: a token bucket of pages; newly dirtied pages take tokens, which refill at the
 * limit; a vCPU in deficit sleeps until the deficit is repaid. A vCPU that dirties nothing is
 * never slowed.
 */
final class Throttle {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final CpuScheduler scheduler;
    private final int vcpu;
    private final VcpuContext context;

    private boolean capActive;
    private double cpuTokensNanos;
    private long lastWallNanos;
    private long lastCpuNanos;
    private long nextCheckNanos;

    private double dirtyTokens;
    private long dirtyRefillNanos;
    private long dirtiedSeen;

    Throttle(CpuScheduler scheduler, int vcpu, VcpuContext context) {
        this.scheduler = scheduler;
        this.vcpu = vcpu;
        this.context = context;
    }

    /**
     * Called at a safe point. May park the thread; returns early when {@code interrupted} says a
     * command (pause, stop) is waiting.
     */
    void checkpoint(BooleanSupplier interrupted) {
        long capPpm = scheduler.capPpm(vcpu);
        if (capPpm < 1_000_000) {
            enforceCap(capPpm, interrupted);
        } else {
            capActive = false;
        }
        long limit = scheduler.dirtyLimit(vcpu);
        if (limit > 0) {
            enforceDirtyLimit(limit, interrupted);
        } else {
            dirtyRefillNanos = 0;
        }
    }

    private void enforceCap(long capPpm, BooleanSupplier interrupted) {
        long now = System.nanoTime();
        double cap = capPpm / 1e6;
        double burstNanos = cap * scheduler.effectivePeriodNanos(capPpm);
        if (!capActive) {
            capActive = true;
            cpuTokensNanos = burstNanos;
            lastWallNanos = now;
            lastCpuNanos = THREADS.getCurrentThreadCpuTime();
            nextCheckNanos = now;
            return;
        }
        if (now - nextCheckNanos < 0) return;
        long cpu = THREADS.getCurrentThreadCpuTime();
        // Clamp after spending: tokens accrued while running are spent as they come, not lost to the cap.
        cpuTokensNanos = Math.min(burstNanos, cpuTokensNanos + (now - lastWallNanos) * cap - (cpu - lastCpuNanos));
        lastWallNanos = now;
        lastCpuNanos = cpu;
        if (cpuTokensNanos > 0) {
            nextCheckNanos = now + (long) cpuTokensNanos;
            return;
        }
        // Sleep until a whole burst has accrued, not just until the debt is repaid: waking for every
        // few microseconds of credit would spend the budget on wake-ups instead of guest work.
        long refillNanos = (long) Math.ceil((burstNanos - cpuTokensNanos) / cap);
        sleepFor(Math.min(refillNanos, scheduler.maxSleepNanos()), interrupted);
        nextCheckNanos = System.nanoTime();
        context.latency().waited(nextCheckNanos - now);
    }

    private void enforceDirtyLimit(long pagesPerSecond, BooleanSupplier interrupted) {
        long now = System.nanoTime();
        long dirtied = context.pagesDirtied();
        if (dirtyRefillNanos == 0) {
            dirtyRefillNanos = now;
            dirtiedSeen = dirtied;
            dirtyTokens = pagesPerSecond / 10.0;
            return;
        }
        double burst = Math.max(1.0, pagesPerSecond / 10.0);
        dirtyTokens = Math.min(burst, dirtyTokens + (now - dirtyRefillNanos) * pagesPerSecond / 1e9);
        dirtyRefillNanos = now;
        dirtyTokens -= dirtied - dirtiedSeen;
        dirtiedSeen = dirtied;
        if (dirtyTokens < 0) {
            long sleepNanos = (long) (-dirtyTokens * 1e9 / pagesPerSecond);
            sleepFor(Math.min(sleepNanos, Math.min(CpuScheduler.MAX_DIRTY_LIMIT_SLEEP_NANOS, scheduler.maxSleepNanos())), interrupted);
            context.latency().waited(System.nanoTime() - now);
        }
    }

    private void sleepFor(long nanos, BooleanSupplier interrupted) {
        long start = System.nanoTime();
        long deadline = start + nanos;
        long version = scheduler.settingsVersion();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0 && !interrupted.getAsBoolean()
                && scheduler.settingsVersion() == version) {
            LockSupport.parkNanos(remaining);
        }
        scheduler.recordSleep(vcpu, System.nanoTime() - start);
    }
}
