package io.livemig.migrator.protocol;

/** The migration id: the source's Hello nonce of that migration, 32 bytes, carried by several messages. */
final class MigrationIds {

    private MigrationIds() {
    }

    static byte[] check(byte[] migrationId) {
        if (migrationId == null || migrationId.length != ProtocolLimits.NONCE_BYTES) {
            throw new IllegalArgumentException("migration id must be " + ProtocolLimits.NONCE_BYTES + " bytes, got "
                    + (migrationId == null ? "null" : migrationId.length));
        }
        return migrationId.clone();
    }
}
