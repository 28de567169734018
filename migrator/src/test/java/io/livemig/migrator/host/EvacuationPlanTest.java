package io.livemig.migrator.host;

import io.livemig.migrator.transport.HostPort;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.livemig.migrator.host.TestHost.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** The evacuation order (cheapest first, non-converging last) and the targets (least memory given so far). */
class EvacuationPlanTest {
    private static final HostPort B = new HostPort("127.0.0.1", 7001);
    private static final HostPort C = new HostPort("127.0.0.1", 7002);
    private static final double LINK = 32 * MIB;

    @Test
    void thePredictedTimeIsTheGeometricSeriesOfPreCopy() {
        assertThat(EvacuationPlan.predictedSeconds(256 * MIB, 0, LINK)).isEqualTo(8.0);
        assertThat(EvacuationPlan.predictedSeconds(256 * MIB, 16 * MIB, LINK)).isEqualTo(16.0); // M / (B - D)
        assertThat(EvacuationPlan.predictedSeconds(256 * MIB, 32 * MIB, LINK)).isEqualTo(-1);
    }

    @Test
    void guestsGoCheapestFirstAndThoseThatCannotConvergeLast() {
        List<EvacuationPlan.Move> plan = EvacuationPlan.plan(List.of(
                new EvacuationPlan.Candidate("hot-big", 512 * MIB, 64 * MIB),
                new EvacuationPlan.Candidate("warm", 256 * MIB, 16 * MIB),
                new EvacuationPlan.Candidate("idle-big", 1024 * MIB, 0),
                new EvacuationPlan.Candidate("idle", 128 * MIB, 0),
                new EvacuationPlan.Candidate("hot-small", 128 * MIB, 40 * MIB)), List.of(B, C), LINK);
        assertThat(plan).extracting(EvacuationPlan.Move::guest).containsExactly("idle", "warm", "idle-big", "hot-small", "hot-big");
        assertThat(plan).extracting(EvacuationPlan.Move::order).containsExactly(1, 2, 3, 4, 5);
        assertThat(plan.get(3).converges()).isFalse();
    }

    @Test
    void eachGuestGoesToTheTargetGivenTheLeastMemorySoFar() {
        List<EvacuationPlan.Move> plan = EvacuationPlan.plan(List.of(
                new EvacuationPlan.Candidate("a", 128 * MIB, 0),
                new EvacuationPlan.Candidate("b", 512 * MIB, 0),
                new EvacuationPlan.Candidate("c", 256 * MIB, 0),
                new EvacuationPlan.Candidate("d", 256 * MIB, 0)), List.of(B, C), LINK);
        // order a(128) c(256) d(256) b(512): a->B (tie: the first), c->C, d->B (128 < 256), b->C (256 < 384)
        assertThat(plan).extracting(EvacuationPlan.Move::guest).containsExactly("a", "c", "d", "b");
        assertThat(plan).extracting(EvacuationPlan.Move::target).containsExactly(B, C, B, C);
    }

    @Test
    void anUnlimitedLinkIsPlannedAtTheAssumedRate() {
        List<EvacuationPlan.Move> plan = EvacuationPlan.plan(List.of(new EvacuationPlan.Candidate("a", 100 * MIB, 0)), List.of(B), 0);
        assertThat(plan.get(0).predictedSeconds()).isEqualTo(1.0);
    }

    @Test
    void theLinkIsSplitAmongTheMigrationsThatCanRunAtOnce() {
        assertThat(Evacuation.shareOfLink(64 * (long) MIB, 2, 5)).isEqualTo(32 * MIB);
        assertThat(Evacuation.shareOfLink(64 * (long) MIB, 4, 1)).as("the last guest has the link alone").isEqualTo(64 * MIB);
        assertThat(Evacuation.shareOfLink(0, 2, 5)).as("unlimited stays unlimited").isZero();
    }
}
