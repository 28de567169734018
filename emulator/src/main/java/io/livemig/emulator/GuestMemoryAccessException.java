package io.livemig.emulator;

/** A guest access outside guest-physical memory: a bug in a guest program or a corrupt request. */
public final class GuestMemoryAccessException extends IndexOutOfBoundsException {
    public GuestMemoryAccessException(long address, long length, long sizeBytes) {
        super("guest memory access of " + length + " bytes at 0x" + Long.toHexString(address)
                + " is outside guest memory of " + sizeBytes + " bytes");
    }
}
