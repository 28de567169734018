package io.livemig.migrator.protocol;

/**
 * Source to destination on the main connection, after every {@link VcpuState} and the
 * {@link MissingMap}s: the switch. The guest was paused on the source at {@code sourcePauseNanos}
 * and will never run there again; the destination resumes it at once with {@code missingPages}
 * pages still to come (by request or by push). The source keeps its memory until
 * {@link PostcopyComplete}. If the link breaks, both sides wait up to
 * {@code recoverTimeoutMillis} for the source to come back with {@link PostcopyResume}.
 */
public record PostcopyStart(long sourcePauseNanos, long missingPages, long recoverTimeoutMillis) implements Message {

    public PostcopyStart {
        ProtocolLimits.checkRange("missingPages", missingPages, 0, Integer.MAX_VALUE);
        ProtocolLimits.checkRange("recoverTimeoutMillis", recoverTimeoutMillis, 0, Long.MAX_VALUE);
    }

    @Override
    public MessageType type() { return MessageType.POSTCOPY_START; }
}
