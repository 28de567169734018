package io.livemig.migrator.policy;

import io.livemig.emulator.WorkingSetCurve;

/**
 * What {@code cpu-scheduling} believes the guest dirties for a given CPU time per vCPU: a
 * working-set curve W(tau), built from the rounds seen so far ({@link CpuModel}).
 */
interface DirtyModel {
    /** Takes in a finished round. */
    void observe(RoundFigures round);

    /** W(tau) as of the last round observed; empty when nothing was dirtied. */
    WorkingSetCurve curve();

    static DirtyModel of(CpuModel model) {
        return model == CpuModel.LINEAR ? new Linear() : new WorkingSet();
    }

    /** No limit on a curve the model extrapolates itself (the paper's model knows no working set). */
    long UNBOUNDED_PAGES = Long.MAX_VALUE / 4;

    /**
     * The paper's: pages dirtied per second of CPU time, from the last round's dirty rate D at cap c
     * (D x 100/c per vCPU-second of CPU), for ever.
     */
    final class Linear implements DirtyModel {
        private WorkingSetCurve curve = WorkingSetCurve.empty(UNBOUNDED_PAGES);

        @Override
        public void observe(RoundFigures round) {
            curve = linearFrom(round);
        }

        @Override
        public WorkingSetCurve curve() { return curve; }

        static WorkingSetCurve linearFrom(RoundFigures round) {
            double cpuSecondsPerVcpu = round.durationNanos() / 1e9 * round.capPct() / 100;
            if (cpuSecondsPerVcpu <= 0) return WorkingSetCurve.empty(UNBOUNDED_PAGES);
            return WorkingSetCurve.linear(round.dirtyPages() / cpuSecondsPerVcpu, UNBOUNDED_PAGES);
        }
    }

    /**
     * The measured W(tau): the upper envelope of the curves of every round so far, each within the
     * CPU time its round gave the vCPUs. The envelope, not the latest curve, because a throttled
     * round's curve is lower per CPU nanosecond (part of a low cap's CPU goes to the wake-ups
     * themselves), so it would tempt the plan into a cap that dirties more than it predicts. Rounds
     * without a curve (no sampler, or a vCPU that got no CPU) fall back to the linear estimate.
     */
    final class WorkingSet implements DirtyModel {
        private WorkingSetCurve envelope;
        private WorkingSetCurve fallback = WorkingSetCurve.empty(UNBOUNDED_PAGES);

        @Override
        public void observe(RoundFigures round) {
            WorkingSetCurve measured = round.workingSet();
            if (!measured.isEmpty()) {
                envelope = envelope == null ? measured : envelope.max(measured);
            } else {
                fallback = Linear.linearFrom(round);
            }
        }

        @Override
        public WorkingSetCurve curve() { return envelope != null ? envelope : fallback; }
    }
}
