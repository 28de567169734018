package io.livemig.migrator.migration;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The migrations in progress on a destination that take data channels, by migration id. */
final class ChannelRegistry {
    private final Map<ByteBuffer, DestinationChannels> byId = new ConcurrentHashMap<>();

    void put(byte[] migrationId, DestinationChannels channels) {
        byId.put(ByteBuffer.wrap(migrationId.clone()), channels);
    }

    DestinationChannels get(byte[] migrationId) {
        return byId.get(ByteBuffer.wrap(migrationId));
    }

    void remove(byte[] migrationId) {
        byId.remove(ByteBuffer.wrap(migrationId));
    }
}
