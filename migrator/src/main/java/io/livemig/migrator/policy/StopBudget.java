package io.livemig.migrator.policy;

/**
 * The limits of the source's stop rule that a policy plans within: pre-copy ends after
 * {@code maxRounds} rounds (round 0 included) or once {@code maxVolumeBytes} have been sent,
 * whether or not the dirty set fits the downtime limit by then.
 */
public record StopBudget(int maxRounds, double maxVolumeBytes) {
    /** No limits: what a policy assumes until the source tells it its own. */
    public static final StopBudget UNLIMITED = new StopBudget(Integer.MAX_VALUE, Double.POSITIVE_INFINITY);

    public StopBudget {
        if (maxRounds < 1) throw new IllegalArgumentException("max rounds must be >= 1");
        if (!(maxVolumeBytes > 0)) throw new IllegalArgumentException("max volume must be > 0");
    }

    /** Rounds that may still run after round {@code round} (numbered from 0) has ended. */
    public int roundsLeftAfter(int round) {
        return (int) Math.max(0, (long) maxRounds - (round + 1L));
    }

    /** Bytes that may still be sent before the volume limit stops pre-copy. */
    public double volumeLeftAfter(long bytesSentSoFar) {
        return maxVolumeBytes - bytesSentSoFar;
    }
}
