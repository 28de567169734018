package io.livemig.migrator.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How fast a page stream the CPU paces runs, round by round, against the rate the model expects of
 * it: one draw of the run's own factor (the probe's error) times each round's (a compile, a wait for
 * a core). The stop rule stops at the first round fast enough to send what is left within the
 * downtime limit, so where the expected rate sits just below that, a run's faster rounds stop it
 * early far more often than its slower ones keep it going: the course of the expected rate alone is
 * not the course a run takes. The model plays {@link #DRAWS} such courses and reports their medians.
 *
 * <p>Measured with bench/matrices/stream-warmup.yaml (15 runs that never converge) and the saturated
 * matrices of sessions 14 and 16 (81 runs): the rounds after round 0 spread around their run's
 * median with a log-standard deviation of 0.15, and round 1 around the warm probe's rate
 * ({@link CopyLoad#warmRate}) with 0.25 (median 0.95-0.97).
 */
public final class StreamPace {
    static final double RUN_SIGMA = 0.25;
    static final double ROUND_SIGMA = 0.15;
    /** Courses played per candidate: enough for a stable median, few enough for the estimate's 1 s. */
    static final int DRAWS = 31;
    /** Rounds drawn per course; a longer course (a round limit above it) goes through them again. */
    private static final int ROUNDS_DRAWN = 64;
    private static final long SEED = 0x5EED_0F_1A7EL;
    private static final List<StreamPace> DRAWN = drawAll();

    /** The expected rate in every round: a link a rate limit holds. */
    public static final StreamPace STEADY = new StreamPace(1, new double[0]);

    private final double runFactor;
    private final double[] roundFactors;

    private StreamPace(double runFactor, double[] roundFactors) {
        this.runFactor = runFactor;
        this.roundFactors = roundFactors;
    }

    /** The same {@link #DRAWS} courses every time: the same scenario gives the same prediction. */
    static List<StreamPace> draws() {
        return DRAWN;
    }

    private static List<StreamPace> drawAll() {
        List<StreamPace> draws = new ArrayList<>(DRAWS);
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < DRAWS; i++) {
            // Each draw's rounds come from its own generator, so a longer course does not shift the next draw.
            draws.add(new StreamPace(Math.exp(RUN_SIGMA * random.nextGaussian()), random.split()));
        }
        return List.copyOf(draws);
    }

    private StreamPace(double runFactor, SplittableRandom rounds) {
        this(runFactor, new double[ROUNDS_DRAWN]);
        for (int i = 0; i < roundFactors.length; i++) roundFactors[i] = Math.exp(ROUND_SIGMA * rounds.nextGaussian());
    }

    /** The run's rate over the expected one. */
    double runFactor() {
        return runFactor;
    }

    /** Round {@code round}'s rate over the run's ({@code round} = the rounds sent: the stop-and-copy). */
    double roundFactor(int round) {
        return roundFactors.length == 0 ? 1 : roundFactors[round % roundFactors.length];
    }
}
