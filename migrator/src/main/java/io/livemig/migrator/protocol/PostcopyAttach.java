package io.livemig.migrator.protocol;

import java.util.Arrays;

/**
 * Source to destination, the first message after the handshake on a second connection: this
 * connection is the request channel (QEMU's preempt channel) of migration {@code migrationId}.
 * On it the destination sends {@link PageRequest}s and the source answers each with a one-page
 * {@link PageBatch}, so an urgent page never waits behind the bulk push on the main connection.
 */
public record PostcopyAttach(byte[] migrationId) implements Message {

    public PostcopyAttach {
        migrationId = MigrationIds.check(migrationId);
    }

    @Override
    public byte[] migrationId() { return migrationId.clone(); }

    @Override
    public MessageType type() { return MessageType.POSTCOPY_ATTACH; }

    @Override
    public boolean equals(Object o) { return o instanceof PostcopyAttach a && Arrays.equals(a.migrationId, migrationId); }

    @Override
    public int hashCode() { return Arrays.hashCode(migrationId); }

    @Override
    public String toString() { return "PostcopyAttach[" + Arrays.toString(migrationId) + "]"; }
}
