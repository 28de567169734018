package io.livemig.migrator.protocol;

/** Shared validation of the byte-array fields; returns a private copy, so records stay immutable. */
final class Fields {

    private Fields() {
    }

    static byte[] nonce(byte[] nonce) {
        if (nonce == null || nonce.length != ProtocolLimits.NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + ProtocolLimits.NONCE_BYTES + " bytes, got "
                    + (nonce == null ? "null" : nonce.length));
        }
        return nonce.clone();
    }

    static byte[] proof(byte[] proof) {
        if (proof == null || proof.length > ProtocolLimits.MAX_PROOF_BYTES) {
            throw new IllegalArgumentException("proof must be at most " + ProtocolLimits.MAX_PROOF_BYTES
                    + " bytes, got " + (proof == null ? "null" : proof.length));
        }
        return proof.clone();
    }
}
