package io.livemig.migrator.protocol;

import java.util.Arrays;

/**
 * Source to destination, the first message after the handshake on a data connection: this
 * connection is data channel {@code index} of migration {@code migrationId} (the source nonce of
 * the control connection's handshake). The connection authenticated (and, with TLS, encrypted) on
 * its own like any other; the id binds it to the migration. Answered with {@code Accept}, or
 * {@code Refuse} when no migration of that id waits for that channel.
 */
public record ChannelAttach(byte[] migrationId, int index) implements Message {

    public ChannelAttach {
        migrationId = MigrationIds.check(migrationId);
        ProtocolLimits.checkRange("index", index, 0, ChannelPlan.MAX_CHANNELS - 1);
    }

    @Override
    public byte[] migrationId() { return migrationId.clone(); }

    @Override
    public MessageType type() { return MessageType.CHANNEL_ATTACH; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelAttach a && a.index == index && Arrays.equals(a.migrationId, migrationId);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(migrationId) + index; }

    @Override
    public String toString() { return "ChannelAttach[" + index + "]"; }
}
