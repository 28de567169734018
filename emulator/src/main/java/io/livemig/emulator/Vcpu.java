package io.livemig.emulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * One virtual CPU: a platform thread that runs a {@link GuestProgram} in bounded steps. Between
 * steps it passes a safe point where commands (pause, stop) and the CPU cap take effect, so no step
 * straddles a pause. Its run loop is a small state machine driven by {@link #command}.
 */
final class Vcpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    enum Command { RUN, PAUSE, STOP }

    private final GuestProgram program;
    private final VcpuContext context;
    private final Throttle throttle;
    private final WorkingSetProbe probe;
    private final Runnable onParked;
    private volatile Command command = Command.PAUSE;
    private volatile boolean parked;
    private volatile Throwable failure;
    private volatile long steps;
    private Thread thread;

    Vcpu(GuestProgram program, VcpuContext context, CpuScheduler scheduler, Runnable onParked) {
        this.program = program;
        this.context = context;
        this.throttle = new Throttle(scheduler, context.index(), context);
        this.probe = new WorkingSetProbe(context, WorkingSetProbe.THREAD_CLOCK);
        this.onParked = onParked;
    }

    VcpuContext context() { return context; }

    WorkingSetProbe probe() { return probe; }

    /** Starts the thread unless it runs already; it parks until commanded to run. */
    void startThreadIfNeeded(String vmName) {
        if (thread != null) return;
        thread = new VcpuThread(this::runLoop, vmName + "-vcpu-" + context.index(), context.index());
        thread.setDaemon(true);
        thread.start();
    }

    void command(Command next) {
        command = next;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Ends a throttle sleep early, so a changed scheduler setting applies at once. */
    void wake() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    boolean isParked() { return parked; }

    boolean isAlive() { return thread != null && thread.isAlive(); }

    Throwable failure() { return failure; }

    long steps() { return steps; }

    /** This vCPU's thread CPU time so far, in nanoseconds (0 if not started). */
    long cpuTimeNanos() {
        Thread t = thread;
        if (t == null) return 0;
        long cpu = THREADS.getThreadCpuTime(t.getId());
        return Math.max(cpu, 0);
    }

    void join(long timeoutMillis) throws InterruptedException {
        if (thread != null) thread.join(timeoutMillis);
    }

    /** One step on the caller's thread, for deterministic tests and tools; the VM must not be running. */
    void stepByHand() {
        program.step(context);
        steps++;
    }

    private void runLoop() {
        try {
            while (true) {
                Command c = command;
                if (c == Command.RUN) {
                    throttle.checkpoint(this::commandWaiting);
                    if (command != Command.RUN) continue;
                    probe.atSafePoint();
                    program.step(context);
                    steps++;
                } else if (c == Command.PAUSE) {
                    parkUntilCommandChanges();
                } else {
                    return;
                }
            }
        } catch (MissingPageException e) {
            // a page that will never come: the end of this guest, a failure unless it is stopping
            if (command != Command.STOP) failure = e;
            parked = true;
            onParked.run();
        } catch (Throwable t) {
            failure = t;
            parked = true;
            onParked.run();
        }
    }

    private boolean commandWaiting() {
        return command != Command.RUN;
    }

    private void parkUntilCommandChanges() {
        long parkedAt = System.nanoTime();
        parked = true;
        onParked.run();
        while (command == Command.PAUSE) {
            LockSupport.park(this);
        }
        parked = false;
        context.latency().waited(System.nanoTime() - parkedAt);
    }
}
