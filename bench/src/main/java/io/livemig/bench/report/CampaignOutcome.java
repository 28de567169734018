package io.livemig.bench.report;

/**
 * How one campaign run ended, from both processes' accounts. The last three must never happen.
 */
enum CampaignOutcome {
    /** The source completed with the digest verified and the destination ran the guest, verified. */
    COMPLETED("completed"),
    /** The source failed with a reason; its guest ran on there, verified; the destination never started it. */
    FAILED_SAFE("failed, guest verified on the source"),
    /** COMMIT was written but the answer lost, and the destination could not be asked: the source kept its copy paused. */
    IN_DOUBT("in doubt"),
    /** A process holding the only running copy was killed (the guest died with it; nothing else ran it). */
    DIED_WITH_PROCESS("died with the killed process"),
    /** No process was killed, yet no copy runs. */
    LOST("LOST"),
    /** The destination ran the guest while the source also kept it running. */
    TWO_COPIES("TWO COPIES"),
    /** The source did not finish in time. */
    HUNG("HUNG");

    final String label;

    CampaignOutcome(String label) {
        this.label = label;
    }
}
