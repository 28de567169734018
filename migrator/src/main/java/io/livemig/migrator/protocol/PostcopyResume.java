package io.livemig.migrator.protocol;

import java.util.Arrays;

/**
 * Source to destination, the first message after the handshake on a new main connection once the
 * link broke during post-copy: resume migration {@code migrationId}. The destination answers with
 * {@link MissingMap}s of the pages it still lacks and a {@link PostcopyResumeAck}, or with
 * {@code Outcome(false)} when it never started that guest (then the source may resume its copy).
 */
public record PostcopyResume(byte[] migrationId) implements Message {

    public PostcopyResume {
        migrationId = MigrationIds.check(migrationId);
    }

    @Override
    public byte[] migrationId() { return migrationId.clone(); }

    @Override
    public MessageType type() { return MessageType.POSTCOPY_RESUME; }

    @Override
    public boolean equals(Object o) { return o instanceof PostcopyResume r && Arrays.equals(r.migrationId, migrationId); }

    @Override
    public int hashCode() { return Arrays.hashCode(migrationId); }

    @Override
    public String toString() { return "PostcopyResume[" + Arrays.toString(migrationId) + "]"; }
}
