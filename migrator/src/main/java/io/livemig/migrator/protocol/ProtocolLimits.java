package io.livemig.migrator.protocol;

/** Bounds every variable-size field, so that a decoder never trusts a peer's length blindly. */
public final class ProtocolLimits {

    /** Authentication nonce: 256 bits, the size of an HMAC-SHA256 key-strength challenge. */
    public static final int NONCE_BYTES = 32;
    /** Room for an HMAC-SHA512 tag; an empty proof means "no authentication". */
    public static final int MAX_PROOF_BYTES = 64;
    /** UTF-8 bytes of any string field (reasons, workload spec); the wire length is a u16. */
    public static final int MAX_STRING_BYTES = 4096;
    public static final int MAX_VCPUS = 256;
    public static final int MIN_PAGE_BYTES = 512;
    public static final int MAX_PAGE_BYTES = 1 << 20;

    private ProtocolLimits() {
    }

    static int checkPageSize(int pageSizeBytes) {
        if (pageSizeBytes < MIN_PAGE_BYTES || pageSizeBytes > MAX_PAGE_BYTES
                || Integer.bitCount(pageSizeBytes) != 1) {
            throw new IllegalArgumentException("page size " + pageSizeBytes
                    + " is not a power of two in [" + MIN_PAGE_BYTES + ", " + MAX_PAGE_BYTES + "]");
        }
        return pageSizeBytes;
    }

    static void checkRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " " + value + " not in [" + min + ", " + max + "]");
        }
    }
}
