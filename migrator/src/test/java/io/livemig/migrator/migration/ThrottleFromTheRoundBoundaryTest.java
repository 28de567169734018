package io.livemig.migrator.migration;

import io.livemig.emulator.CpuScheduler;
import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.policy.ConvergencePolicy;
import io.livemig.migrator.policy.RoundFigures;
import io.livemig.migrator.security.Destinations;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.stats.MigrationStatus;
import io.livemig.migrator.stats.RoundStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A throttle a policy decides after a round governs the whole next round, however long the policy
 * took: a full-speed writer redirties its working set within a millisecond of the round's sync, and
 * those pages must not count as the next round's dirtying at the old pace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThrottleFromTheRoundBoundaryTest {
    private static final long MIB = 1 << 20;
    private static final long LIMIT_PAGES_PER_S = 256;

    /** Sets a dirty limit after round 0, having taken 50 ms to decide (a migration thread kept off the cores). */
    private static final class SlowDirtyLimit implements ConvergencePolicy {
        @Override
        public String name() { return "slow-dirty-limit"; }

        @Override
        public void afterRound(RoundFigures round, CpuScheduler scheduler) {
            if (round.round() != 0) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler.setDirtyLimitAll(LIMIT_PAGES_PER_S);
        }
    }

    @Test
    void aDirtyLimitSetAfterRoundZeroHoldsRoundOneFromItsStart() throws Exception {
        try (VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(32 * MIB, 1),
                Workloads.parse("memwrite:wss=24m,pattern=sequential"));
             Destinations destination = new Destinations();
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            vm.start();
            MigrationOptions options = MigrationOptions.defaults().withBandwidth(48 * MIB).withDowntimeLimit(Duration.ofMillis(50))
                    .withMaxRounds(3);
            MigrationStats stats = new MigrationSource(vm, new SlowDirtyLimit(), options, MigrationListener.SILENT, new Handshake(), 0)
                    .migrate(transport, destination.address());

            assertThat(stats.status()).as(stats.error()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stats.digestVerified()).isTrue();
            RoundStats round0 = stats.roundsDetail().get(0);
            RoundStats round1 = stats.roundsDetail().get(1);
            long workingSet = 24 * MIB / 4096;
            assertThat(round0.dirtyPages()).as("unthrottled, round 0 dirties the whole working set").isGreaterThanOrEqualTo(workingSet);
            // Limited, the vCPU runs one 256-page step per 50 ms sleep: about 5 000 pages a second.
            double allowed = 256 * (round1.durationMs() / 50 + 2);
            assertThat((double) round1.dirtyPages()).as("round 1 (%.0f ms) is dirtied at the limited pace", round1.durationMs())
                    .isLessThan(allowed).isLessThan(0.7 * workingSet);
            try (VirtualMachine arrived = destination.takeVm()) {
                assertThat(arrived.verify().ok()).as(arrived.verify().detail()).isTrue();
            }
        }
    }
}
