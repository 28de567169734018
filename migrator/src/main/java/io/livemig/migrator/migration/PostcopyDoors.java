package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.Outcome;
import io.livemig.migrator.transport.Connection;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link PostcopyDoor} of each migration this destination received lately, by migration id
 * (the source's Hello nonce). A migration opens its door right after its handshake, so a request
 * connection that arrives early still finds it; an ended door stays (the last
 * {@value #REMEMBERED}) to answer a source that comes back late. An id never seen here never
 * switched here.
 */
final class PostcopyDoors {
    static final int REMEMBERED = 64;

    private final Duration answerTimeout;
    private final Map<String, PostcopyDoor> doors = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PostcopyDoor> eldest) {
            return size() > REMEMBERED;
        }
    };

    PostcopyDoors(Duration answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    synchronized PostcopyDoor open(byte[] migrationId) {
        return doors.computeIfAbsent(key(migrationId), k -> new PostcopyDoor(answerTimeout));
    }

    /** A request connection for a migration; closed if no such migration is known here. */
    void attach(byte[] migrationId, Connection connection) {
        PostcopyDoor door = find(migrationId);
        if (door == null) connection.close();
        else door.deliverRequests(connection);
    }

    /** A returning source. */
    void resume(byte[] migrationId, Connection connection) {
        PostcopyDoor door = find(migrationId);
        if (door != null) {
            door.deliverResume(connection);
            return;
        }
        try (connection) {
            connection.send(new Outcome(false)).await(answerTimeout.toMillis());
        } catch (Exception e) {
            // the source left
        }
    }

    private synchronized PostcopyDoor find(byte[] migrationId) {
        return doors.get(key(migrationId));
    }

    private static String key(byte[] migrationId) {
        return HexFormat.of().formatHex(migrationId);
    }
}
