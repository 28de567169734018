package io.livemig.migrator.host;

import io.livemig.migrator.transport.HostPort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of an evacuation and a target for each guest.
 *
 * <p><b>Order: cheapest first.</b> Each guest's cost is the classic pre-copy estimate: with memory
 * M, dirty rate D (sampled by the host) and the link share B, rounds send M, then M·D/B, then
 * M·(D/B)², ..., so the time is M / (B − D) when D &lt; B. A guest with D ≥ B does not converge
 * unthrottled: it goes last, those among them by M·D. Shortest first minimises the mean time a
 * guest waits to leave and empties the host of the most guests soonest; the slow ones, which
 * need the throttle (or post-copy), then have the link to themselves.
 *
 * <p><b>Targets: least memory first.</b> Each guest, in order, goes to the target that was given
 * the least guest memory so far (ties: the order given), since memory is what a host admits by.
 */
final class EvacuationPlan {
    /** Assumed when the link is unlimited: the stop rule's guess for an unmeasured link. */
    static final double ASSUMED_LINK_BYTES_PER_S = 100.0 * (1 << 20);

    /**
     * @param predictedSeconds M / (B − D), or -1 when the guest does not converge unthrottled (D ≥ B)
     */
    record Move(int order, String guest, long memoryBytes, double dirtyRateBytesPerS, double predictedSeconds, HostPort target) {
        boolean converges() {
            return predictedSeconds >= 0;
        }
    }

    private EvacuationPlan() {}

    /** Predicted pre-copy seconds for memory M at dirty rate D over a link of B; -1 when D ≥ B. */
    static double predictedSeconds(long memoryBytes, double dirtyRateBytesPerS, double linkBytesPerS) {
        if (dirtyRateBytesPerS >= linkBytesPerS) return -1;
        return memoryBytes / (linkBytesPerS - dirtyRateBytesPerS);
    }

    /**
     * @param guests        the guests to move: name, memory, dirty rate
     * @param linkBytesPerS each migration's share of the link (0: unlimited, then {@link #ASSUMED_LINK_BYTES_PER_S})
     */
    static List<Move> plan(List<Candidate> guests, List<HostPort> targets, double linkBytesPerS) {
        if (targets.isEmpty()) throw new IllegalArgumentException("no target host");
        double link = linkBytesPerS > 0 ? linkBytesPerS : ASSUMED_LINK_BYTES_PER_S;
        List<Candidate> ordered = new ArrayList<>(guests);
        ordered.sort(Comparator.<Candidate>comparingInt(c -> predictedSeconds(c.memoryBytes, c.dirtyRateBytesPerS, link) < 0 ? 1 : 0)
                .thenComparingDouble(c -> {
                    double t = predictedSeconds(c.memoryBytes, c.dirtyRateBytesPerS, link);
                    return t >= 0 ? t : c.memoryBytes * c.dirtyRateBytesPerS;
                })
                .thenComparing(c -> c.name));
        long[] assignedBytes = new long[targets.size()];
        List<Move> moves = new ArrayList<>();
        for (Candidate c : ordered) {
            int target = 0;
            for (int i = 1; i < targets.size(); i++) if (assignedBytes[i] < assignedBytes[target]) target = i;
            assignedBytes[target] += c.memoryBytes;
            moves.add(new Move(moves.size() + 1, c.name, c.memoryBytes, c.dirtyRateBytesPerS,
                    predictedSeconds(c.memoryBytes, c.dirtyRateBytesPerS, link), targets.get(target)));
        }
        return moves;
    }

    /** A guest as the plan sees it. */
    record Candidate(String name, long memoryBytes, double dirtyRateBytesPerS) {}
}
