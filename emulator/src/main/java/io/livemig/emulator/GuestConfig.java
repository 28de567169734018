package io.livemig.emulator;

/** The shape of a guest: memory size, page size and vCPU count; validated on construction. */
public record GuestConfig(long memoryBytes, int pageSize, int vcpus) {
    public static final int MAX_VCPUS = 64;

    public GuestConfig {
        GuestMemory.checkGeometry(memoryBytes, pageSize);
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU count must be 1.." + MAX_VCPUS + ", got " + vcpus);
        }
        if ((long) vcpus * GuestStatus.SLOT_BYTES > pageSize) {
            throw new IllegalArgumentException("page size " + pageSize + " too small for " + vcpus + " vCPU status slots");
        }
    }

    public GuestConfig(long memoryBytes, int vcpus) {
        this(memoryBytes, GuestMemory.DEFAULT_PAGE_SIZE, vcpus);
    }

    public long pageCount() { return memoryBytes / pageSize; }
}
