package io.livemig.migrator.policy;

import io.livemig.emulator.CpuScheduler;
import org.junit.jupiter.api.Test;

import static io.livemig.migrator.policy.Rounds.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirtyLimitPolicyTest {
    private final CpuScheduler scheduler = new CpuScheduler(2);

    @Test
    void limitsEachVcpusDirtyRateOnceTheTriggerFires() {
        DirtyLimitPolicy policy = new DirtyLimitPolicy(50, 1 << 20);
        policy.afterRound(round(1, 64, 128, 100, 1000, 1000, 50), scheduler);
        assertThat(policy.isEnabled()).isFalse();
        assertThat(scheduler.dirtyLimit(0)).isZero();
        policy.afterRound(round(2, 64, 128, 100, 1000, 2000, 50), scheduler);
        assertThat(policy.isEnabled()).isTrue();
        assertThat(scheduler.dirtyLimit(0)).isEqualTo(256); // 1 MiB/s of 4 KiB pages
        assertThat(scheduler.dirtyLimit(1)).isEqualTo(256);
        assertThat(scheduler.capPct(0)).as("no CPU cap: readers run free").isEqualTo(100.0);
    }

    @Test
    void aGuestThatDirtiesLittleIsLeftAlone() {
        DirtyLimitPolicy policy = new DirtyLimitPolicy();
        for (int i = 1; i <= 5; i++) policy.afterRound(round(i, 64, 8, 100, 1000, 1000L * i, 50), scheduler);
        assertThat(scheduler.isThrottled()).isFalse();
    }

    @Test
    void policiesAreMadeByNameWithTheirDefaults() {
        PolicySettings settings = PolicySettings.defaults();
        for (String name : PolicySettings.NAMES) assertThat(settings.create(name).name()).isEqualTo(name);
        assertThatThrownBy(() -> settings.create("fast"))
                .hasMessage("unknown policy 'fast'; known: none, cpu-scheduling, auto-converge, dirty-limit");
    }
}
