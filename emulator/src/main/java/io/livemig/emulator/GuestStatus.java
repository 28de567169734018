package io.livemig.emulator;

/**
 * The guest status page, page 0 of every guest: one 64-byte slot per vCPU with its completed
 * operations and heartbeat (wall-clock microseconds of its last operation). It lives in guest
 * memory, so it migrates with the guest and the destination can read how long the guest itself
 * was stopped. Guest programs use memory from {@link #firstProgramAddress(GuestMemory)} on.
 */
public final class GuestStatus {
    public static final int SLOT_BYTES = 64;
    private static final int OPS_OFFSET = 0;
    private static final int HEARTBEAT_OFFSET = 8;

    private GuestStatus() {}

    public static long firstProgramAddress(GuestMemory memory) {
        return memory.pageSize();
    }

    static long opsAddress(int vcpu) { return (long) vcpu * SLOT_BYTES + OPS_OFFSET; }

    static long heartbeatAddress(int vcpu) { return (long) vcpu * SLOT_BYTES + HEARTBEAT_OFFSET; }

    public static long ops(GuestMemory memory, int vcpu) {
        return memory.readLong(opsAddress(vcpu));
    }

    public static long heartbeatMicros(GuestMemory memory, int vcpu) {
        return memory.readLong(heartbeatAddress(vcpu));
    }

    public static long totalOps(GuestMemory memory, int vcpus) {
        long total = 0;
        for (int i = 0; i < vcpus; i++) total += ops(memory, i);
        return total;
    }

    /** The latest heartbeat of any vCPU, or 0 if none has completed an operation. */
    public static long lastHeartbeatMicros(GuestMemory memory, int vcpus) {
        long last = 0;
        for (int i = 0; i < vcpus; i++) last = Math.max(last, heartbeatMicros(memory, i));
        return last;
    }
}
