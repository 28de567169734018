package io.livemig.migrator.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** Source to destination: the source's proof over the destination's nonce (empty: no authentication). */
public record AuthProof(byte[] proof) implements Message {

    public AuthProof {
        proof = Fields.proof(proof);
    }

    @Override
    public byte[] proof() {
        return proof.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.AUTH_PROOF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthProof other && Arrays.equals(proof, other.proof);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(proof);
    }

    @Override
    public String toString() {
        return "AuthProof[proof=" + HexFormat.of().formatHex(proof) + "]";
    }
}
