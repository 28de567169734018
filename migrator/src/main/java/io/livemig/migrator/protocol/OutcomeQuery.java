package io.livemig.migrator.protocol;

import java.util.Arrays;

/**
 * Source to destination, on a new connection after the handshake: did the migration with this id
 * (the source's Hello nonce of that migration) reach COMMIT on the destination? Asked only by a
 * source that wrote COMMIT but never heard RESUMED.
 */
public record OutcomeQuery(byte[] migrationId) implements Message {

    public OutcomeQuery {
        if (migrationId.length != ProtocolLimits.NONCE_BYTES) {
            throw new IllegalArgumentException("migration id must be " + ProtocolLimits.NONCE_BYTES + " bytes, got " + migrationId.length);
        }
        migrationId = migrationId.clone();
    }

    @Override
    public byte[] migrationId() { return migrationId.clone(); }

    @Override
    public MessageType type() { return MessageType.OUTCOME_QUERY; }

    @Override
    public boolean equals(Object o) { return o instanceof OutcomeQuery q && Arrays.equals(q.migrationId, migrationId); }

    @Override
    public int hashCode() { return Arrays.hashCode(migrationId); }

    @Override
    public String toString() { return "OutcomeQuery[" + Arrays.toString(migrationId) + "]"; }
}
