package io.livemig.emulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces one vCPU's CPU cap and dirty-page limit at its safe points, on the vCPU's own thread.
 *
 * <p>CPU cap: within each period the vCPU may use {@code cap x period} of its own thread CPU
 * time, then it parks until the period ends. Overshoot (a step that ran past the budget) is
 * carried into the next period as debt, so the long-run share follows the cap even when the
 * budget (10 us at 0.1 %) is close to one step's length.
 *
 * <p>Dirty limit: a token bucket of pages; newly dirtied pages take tokens, which refill at the
 * limit; a vCPU in deficit sleeps until the deficit is repaid. A vCPU that dirties nothing is
 * never slowed.
 */
final class Throttle {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MAX_SLEEP_NANOS = 50_000_000L;

    private final CpuScheduler scheduler;
    private final int vcpu;
    private final VcpuContext context;

    private long periodStartNanos;
    private long cpuAtPeriodStartNanos;
    private long budgetNanos;
    private boolean inPeriod;

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
            inPeriod = false;
        }
        long limit = scheduler.dirtyLimit(vcpu);
        if (limit > 0) {
            enforceDirtyLimit(limit, interrupted);
        } else {
            dirtyRefillNanos = 0;
        }
    }

    private void enforceCap(long capPpm, BooleanSupplier interrupted) {
        long period = scheduler.periodNanos();
        long now = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long fullBudget = period * capPpm / 1_000_000;
        if (!inPeriod || now - periodStartNanos >= period) {
            long carried = inPeriod ? Math.min(0, budgetNanos - (cpu - cpuAtPeriodStartNanos)) : 0;
            periodStartNanos = now;
            cpuAtPeriodStartNanos = cpu;
            budgetNanos = fullBudget + Math.max(carried, -period);
            inPeriod = true;
        }
        if (cpu - cpuAtPeriodStartNanos >= budgetNanos) {
            sleepUntil(periodStartNanos + period, interrupted);
        }
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
            sleepUntil(now + Math.min(sleepNanos, MAX_SLEEP_NANOS), interrupted);
        }
    }

    private static void sleepUntil(long deadlineNanos, BooleanSupplier interrupted) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0 && !interrupted.getAsBoolean()) {
            LockSupport.parkNanos(remaining);
        }
    }
}
