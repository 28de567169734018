package io.livemig.migrator.migration;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a destination decided about the migrations it received, so that a source left in doubt
 * (it wrote COMMIT but never heard RESUMED) can ask ({@code OutcomeQuery}) and act on a final
 * answer. A migration is PENDING from READY until COMMIT is read (then COMMITTED, and only then
 * does the guest start) or until it is given up (ABANDONED). Answering a query about a PENDING
 * migration abandons it first, atomically, so a COMMIT that arrives later is refused: the source
 * resumes its copy only when this destination can no longer start its own. An id never seen
 * (or forgotten: the last {@value #REMEMBERED} are kept) never reached COMMIT in this process.
 */
public final class Outcomes {
    static final int REMEMBERED = 64;

    private enum State { PENDING, COMMITTED, ABANDONED }

    private final Map<String, State> states = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** READY was sent: the guest waits for COMMIT. */
    public synchronized void pending(byte[] migrationId) {
        states.put(key(migrationId), State.PENDING);
    }

    /** COMMIT was read: true if the guest may start, false if a query abandoned it meanwhile. */
    public synchronized boolean commit(byte[] migrationId) {
        String key = key(migrationId);
        if (states.get(key) != State.PENDING) return false;
        states.put(key, State.COMMITTED);
        return true;
    }

    /** The migration ended without COMMIT (connection lost, abort): it will never start here. */
    public synchronized void abandon(byte[] migrationId) {
        states.put(key(migrationId), states.get(key(migrationId)) == State.COMMITTED ? State.COMMITTED : State.ABANDONED);
    }

    /** The final answer to a source in doubt: committed (the guest runs here) or not, ever. */
    public synchronized boolean answer(byte[] migrationId) {
        String key = key(migrationId);
        if (states.get(key) == State.COMMITTED) return true;
        states.put(key, State.ABANDONED);
        return false;
    }

    private static String key(byte[] migrationId) {
        return HexFormat.of().formatHex(migrationId);
    }
}
