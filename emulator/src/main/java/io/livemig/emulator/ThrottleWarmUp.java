package io.livemig.emulator;

import java.time.Duration;

/**
 * Runs the throttle's code before any guest is throttled for real, once per JVM. A guest's first
 * throttled moments otherwise run the throttle's sleeps and wake-ups, and the guest code around them,
 * before the JIT has compiled them: the 254 MiB sequential writer's steps at a 2 % cap cost 9-47x
 * their uncapped CPU in the first 200 ms after it was first capped, and 3.5-15x in the next 400 ms,
 * where a JVM that had capped a scratch guest first ran them at 2.2-3.4x in the first 200 ms and
 * 2-4.9x after (four JVMs each; docs/estimate.md, session 19). So a migration's first throttled round depended on
 * whether anything had been throttled in that JVM before (an estimate's sample, an earlier
 * migration), and its outcome with it.
 *
 * <p>The scratch guest: one vCPU of a {@link ScratchWriter}, writing a few pages a step, capped at {@link #CAP_PCT} on the
 * shortest period, so that it wakes every {@code 200 us / cap} for {@link #LENGTH}: about 500
 * wake-ups, 0.1 s of CPU.
 */
final class ThrottleWarmUp {
    static final double CAP_PCT = 50;
    static final Duration LENGTH = Duration.ofMillis(200);
    static final String NAME = "throttle-warm-up";

    private static final Object LOCK = new Object();
    private static boolean done;
    /** The scratch vCPU's throttle sleeps: what was warmed. */
    private static volatile long wakeUps;

    private ThrottleWarmUp() {}

    /** Warms the throttle once per JVM; a call while another thread warms it waits, later calls return at once. */
    static void once() {
        synchronized (LOCK) {
            if (done) return;
            done = true;
            try (VirtualMachine vm = VirtualMachine.fresh(NAME, new GuestConfig(1L << 20, 1), new ScratchWriter(),
                    CpuScheduler.DEFAULT_PERIOD, WallClock.SYSTEM)) {
                vm.scheduler().setPeriod(Duration.ofNanos(100_000));
                vm.scheduler().setCapAll(CAP_PCT);
                vm.start();
                Thread.sleep(LENGTH.toMillis());
                vm.pause();
                wakeUps = vm.scheduler().sleepsOf(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The wake-ups the warm-up ran (0 before it ran). */
    static long wakeUps() { return wakeUps; }
}
