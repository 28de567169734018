package io.livemig.emulator;

import java.time.Clock;
import java.time.Instant;

/** Wall-clock time in microseconds; an interface so tests can drive time by hand. */
@FunctionalInterface
public interface WallClock {
    long currentTimeMicros();

    WallClock SYSTEM = () -> {
        Instant now = Clock.systemUTC().instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    };
}
