package io.livemig.migrator.protocol;

import java.util.Objects;

/**
 * Source to destination after authentication: the guest the destination must be able to host, and
 * how it will move ({@code mode}: whether post-copy may follow).
 */
public record GuestOffer(long memoryBytes, int pageSize, int vcpus, String workloadSpec, OfferMode mode) implements Message {

    public GuestOffer {
        ProtocolLimits.checkPageSize(pageSize);
        if (memoryBytes <= 0 || memoryBytes % pageSize != 0) {
            throw new IllegalArgumentException("memoryBytes " + memoryBytes + " is not a positive multiple of page size "
                    + pageSize);
        }
        ProtocolLimits.checkRange("vcpus", vcpus, 1, ProtocolLimits.MAX_VCPUS);
        Utf8.encode("workloadSpec", workloadSpec);
        Objects.requireNonNull(mode, "mode");
    }

    public long pageCount() {
        return memoryBytes / pageSize;
    }

    @Override
    public MessageType type() {
        return MessageType.GUEST_OFFER;
    }
}
