package io.livemig.migrator.clock;

import io.livemig.emulator.WallClock;

import java.time.Duration;

/**
 * The two clocks of one host that a migration reads: the monotonic clock (nanoseconds, only
 * differences mean anything, like {@code System.nanoTime()}) and the wall clock (microseconds since
 * the epoch, what guests write their heartbeats with). An interface so that a destination can be
 * run with its clocks shifted ({@code dest --clock-skew}), as if it were another machine.
 */
public interface HostClock {
    long monotonicNanos();

    long wallMicros();

    /** The wall clock as the emulator takes it, for the heartbeats of guests created on this host. */
    default WallClock wallClock() {
        return this::wallMicros;
    }

    HostClock SYSTEM = new HostClock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long wallMicros() {
            return WallClock.SYSTEM.currentTimeMicros();
        }

        @Override
        public WallClock wallClock() {
            return WallClock.SYSTEM;
        }

        @Override
        public String toString() {
            return "system clocks";
        }
    };

    /** This host's clocks, both shifted by {@code skew} (either sign); zero gives {@link #SYSTEM}. */
    static HostClock skewed(Duration skew) {
        if (skew.isZero()) return SYSTEM;
        long skewNanos = skew.toNanos();
        long skewMicros = skewNanos / 1_000;
        return new HostClock() {
            @Override
            public long monotonicNanos() {
                return System.nanoTime() + skewNanos;
            }

            @Override
            public long wallMicros() {
                return WallClock.SYSTEM.currentTimeMicros() + skewMicros;
            }

            @Override
            public String toString() {
                return "system clocks shifted by " + skew;
            }
        };
    }
}
